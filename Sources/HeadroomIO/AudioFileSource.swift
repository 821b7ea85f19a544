import CSndFile
import Foundation
import HeadroomDSP

/// A mix read from its file again for every pass instead of being held in memory (a long input: a DJ mix,
/// a concert): memory that does not grow with the song. The file stays open for the job, so every pass
/// reads what the analysis read. Only for formats libsndfile reads back exactly from any frame (PCM and
/// float in any container, FLAC). One reader at a time: a job reads it pass after pass.
public final class AudioFileSource: AudioSource, @unchecked Sendable {
    public let path: String
    public let sampleRate: Double
    public let channelCount: Int
    public let frameCount: Int
    /// Why a read came up short (the file was changed or cut while the job ran): the frames it could not
    /// read were silence, and the job must not deliver what it made of them.
    public private(set) var failure: AudioFileError?
    private let file: OpaquePointer
    private static let chunkFrames = 1 << 16

    /// Opens `path`, already read and checked once (`AudioFileReader`); nil when it cannot be opened or its
    /// format cannot be read back exactly from any frame (lossy formats: hold that mix in memory).
    public init?(path: String) {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else { return nil }
        let sub = info.format & Int32(SF_FORMAT_SUBMASK), container = info.format & Int32(SF_FORMAT_TYPEMASK)
        let exact = [SF_FORMAT_PCM_S8, SF_FORMAT_PCM_U8, SF_FORMAT_PCM_16, SF_FORMAT_PCM_24, SF_FORMAT_PCM_32,
                     SF_FORMAT_FLOAT, SF_FORMAT_DOUBLE].map { Int32($0) }.contains(sub)
            || container == Int32(SF_FORMAT_FLAC)
        guard exact, info.frames > 0, info.channels > 0 else { sf_close(file); return nil }
        sf_command(file, Int32(SFC_SET_NORM_FLOAT), nil, Int32(SF_TRUE))
        self.file = file
        self.path = path
        sampleRate = Double(info.samplerate)
        channelCount = Int(info.channels)
        frameCount = Int(info.frames)
    }

    deinit { sf_close(file) }

    /// Decoded bytes of the whole file as planar `Float` (what holding it would cost).
    public var decodedBytes: Int { frameCount * channelCount * MemoryLayout<Float>.size }

    public func forEachBlock(_ range: Range<Int>, _ body: ([UnsafeBufferPointer<Float>]) -> Void) {
        guard !range.isEmpty else { return }
        let chunk = Self.chunkFrames, channels = channelCount
        var planar = [[Float]](repeating: [Float](repeating: 0, count: chunk), count: channels)
        var interleaved = [Float](repeating: 0, count: chunk * channels)
        var position = range.lowerBound
        var readable = sf_seek(file, sf_count_t(position), SEEK_SET) == sf_count_t(position)
        while position < range.upperBound {
            let want = min(chunk, range.upperBound - position)
            var got = 0
            if readable {
                got = interleaved.withUnsafeMutableBufferPointer { Int(sf_readf_float(file, $0.baseAddress, sf_count_t(want))) }
                got = max(0, got)
            }
            if got < want {
                // Short: the rest of this block is silence, and the job is told.
                readable = false
                if failure == nil {
                    failure = AudioFileError(.truncated, path: path, "changed while it was being mastered: frame \(position + got) of \(frameCount) could not be read again")
                }
                interleaved.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: got * channels).update(repeating: 0, count: (want - got) * channels) }
            }
            _ = interleaved.withUnsafeBufferPointer { Interleaving.deinterleave($0, frames: want, into: &planar, limit: .infinity) }
            AudioBuffer.withPointers(planar, 0..<want) { body($0) }
            position += want
        }
    }
}
