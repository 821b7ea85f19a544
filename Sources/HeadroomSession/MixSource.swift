import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomSignals

/// A mix as a job receives it: the audio, what the file was, and its tags.
public struct Mix: Sendable {
    public var audio: AudioBuffer
    public var info: InputFile
    public var tags: AudioTags
    /// The path read (nil for the synthesized demo mix).
    public var path: String?

    public init(audio: AudioBuffer, info: InputFile, tags: AudioTags = AudioTags(), path: String?) {
        self.audio = audio; self.info = info; self.tags = tags; self.path = path
    }

    /// The name outputs are named after: the file's name without its extension ("headroom-demo" for the demo).
    public var stem: String {
        path.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? "headroom-demo"
    }

    /// Reads `path` through libsndfile, or synthesizes the demo mix when `path` is nil.
    public static func load(_ path: String?) throws -> Mix {
        guard let path else {
            let song = SyntheticSong.demo().render()
            return Mix(audio: song, info: InputFile(path: "demo mix (synthesized)", format: "32-bit float", sampleRateHz: song.sampleRate,
                                                    channelCount: song.channelCount, frameCount: song.frameCount),
                       tags: AudioTags([.title: "Headroom demo mix"]), path: nil)
        }
        do {
            let (audio, info) = try AudioFileReader.read(path: path)
            return Mix(audio: audio, info: info, tags: AudioFileReader.readTags(path: path), path: path)
        } catch let error as AudioFileError {
            throw JobError(.failure, error.description)
        }
    }

    /// Analyzes the mix, with a one-line failure naming it.
    public func analyze() throws -> Analysis {
        do { return try Analyzer().analyze(audio) } catch let e as AnalysisError {
            throw JobError(.failure, "\(info.path): \(e)")
        }
    }
}
