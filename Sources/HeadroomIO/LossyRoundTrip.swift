import Foundation
import HeadroomDSP

/// Encodes audio with a lossy codec through libsndfile and decodes it again, as a listener's player
/// would, for the codec check: lossy codecs add inter-sample peaks a master's ceiling must leave room for.
/// The round trip goes through a temporary file that is always removed.
public enum LossyRoundTrip {
    /// The codecs checked.
    public enum Codec: String, CaseIterable, Sendable {
        case mp3, vorbis, opus

        /// Name for reports: "MP3", "Ogg Vorbis", "Ogg Opus".
        public var displayName: String {
            switch self {
            case .mp3: return "MP3"
            case .vorbis: return "Ogg Vorbis"
            case .opus: return "Ogg Opus"
            }
        }

        var container: AudioFileFormat.Container {
            switch self {
            case .mp3: return .mp3
            case .vorbis: return .ogg
            case .opus: return .opus
            }
        }
    }

    /// The compression level the check encodes at: a streaming-grade encode (MP3 around 128 kbps), which
    /// adds more inter-sample peaks than a 320 kbps delivery, so a ceiling that survives it survives both.
    public static let checkCompressionLevel = 0.9

    /// The rate a codec encodes `rate` at: Opus always runs at 48 kHz; MP3 holds at most 48 kHz, so 88.2 and
    /// 176.4 kHz go to 44.1 kHz and other high rates to 48 kHz (as a player's encoder would); Vorbis takes any.
    public static func encodableRate(_ rate: Double, codec: Codec) -> Double {
        switch codec {
        case .opus: return 48_000
        case .mp3 where rate > 48_000: return rate.truncatingRemainder(dividingBy: 44_100) == 0 ? 44_100 : 48_000
        default: return rate
        }
    }

    /// `audio` after encoding and decoding (at `checkCompressionLevel`), at the rate the codec encodes it
    /// (`encodableRate`; resampled with libsoxr first where it differs; the decoded audio is at that rate).
    public static func roundTrip(_ audio: AudioBuffer, codec: Codec) throws -> AudioBuffer {
        var source = audio
        let rate = encodableRate(audio.sampleRate, codec: codec)
        if rate != audio.sampleRate { source = Resampler.resample(audio, to: rate) }
        let path = temporaryPath(codec)
        defer { unlink(path) }
        try AudioFileWriter.write(source, to: path, format: checkFormat(codec), existing: .overwrite)
        return try AudioFileReader.read(path: path).buffer
    }

    /// The same round trip of the file at `path`, block by block, never whole in memory: the file is read,
    /// resampled where the codec needs it, encoded into a temporary file (removed after, and on a signal),
    /// and that file is decoded again into `decoded`, block by block. Returns the decoded rate.
    @discardableResult
    public static func roundTrip(path: String, codec: Codec, decoded: ([UnsafeBufferPointer<Float>]) throws -> Void) throws -> Double {
        let temp = temporaryPath(codec)
        TemporaryFiles.register(temp)
        defer { TemporaryFiles.discard(temp) }
        var channelCount = 0, inputRate = 0.0
        var writer: AudioFileWriter.Stream?, resampler: Resampler.Stream?
        func open() throws -> AudioFileWriter.Stream {
            if let writer { return writer }
            let rate = encodableRate(inputRate, codec: codec)
            if rate != inputRate { resampler = Resampler.Stream(channelCount: channelCount, from: inputRate, to: rate) }
            writer = try AudioFileWriter.Stream(to: temp, format: checkFormat(codec), sampleRate: rate, channelCount: channelCount,
                                                reportedPath: temp, ditherSeed: nil, tags: AudioTags())
            return writer!
        }
        _ = try AudioFileReader.forEachBlock(path: path, expecting: { channels, _, rate in
            channelCount = channels; inputRate = rate
        }) { block in
            let w = try open()
            if let resampler { try resampler.process(block) { try w.write($0) } } else { try w.write(block) }
        }
        let w = try open()
        try resampler?.finish { try w.write($0) }
        try w.finish()
        _ = try AudioFileReader.forEachBlock(path: temp, decoded)
        return encodableRate(inputRate, codec: codec)
    }

    static func checkFormat(_ codec: Codec) -> AudioFileFormat {
        AudioFileFormat(codec.container, compressionLevel: checkCompressionLevel, constantBitrate: false)
    }

    static func temporaryPath(_ codec: Codec) -> String {
        _ = removeStaleFiles
        let folder = NSTemporaryDirectory()
        return folder + (folder.hasSuffix("/") ? "" : "/") + "headroom-codec-\(getpid())-\(UUID().uuidString).\(codec.container.rawValue)"
    }

    /// Round-trip files a killed run left behind (its process is gone), removed once per process.
    static let removeStaleFiles: Void = {
        TemporaryFiles.removeFilesOfEndedProcesses(in: NSTemporaryDirectory(), prefix: "headroom-codec-") {
            Int32($0.prefix(while: \.isNumber))
        }
    }()
}
