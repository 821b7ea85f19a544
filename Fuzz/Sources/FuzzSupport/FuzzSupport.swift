import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomSignals

/// What the fuzz targets share: a scratch folder in memory where possible, and the small mix they use.
public enum FuzzSupport {
    /// A folder for the input of one execution (tmpfs where there is one: every input is a file for
    /// libsndfile and the session loader, both of which read paths).
    public static let scratch: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = (base as NSString).appendingPathComponent("headroom-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// Writes `bytes` to a scratch file named with `ext` and returns its path.
    public static func file(_ bytes: UnsafeRawBufferPointer, ext: String) -> String {
        let path = (scratch as NSString).appendingPathComponent("input.\(ext)")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// The mix the session target renders: 3 s of the synthetic song (two sections), 44.1 kHz stereo.
    public static func smallSong() -> AudioBuffer {
        var song = SyntheticSong(sections: [
            .init("verse", seconds: 1.5, levelDB: -5),
            .init("chorus", seconds: 1.5, levelDB: 0, bright: true),
        ])
        song.peakDBFS = -3
        return song.render()
    }

    /// Audio longer than this is cut before analysis, so one execution stays short.
    public static let maxAnalyzedFrames = 10 * 48_000
}
