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
        let folder = NSTemporaryDirectory()
        let path = folder + (folder.hasSuffix("/") ? "" : "/") + "headroom-codec-\(getpid())-\(UUID().uuidString).\(codec.container.rawValue)"
        defer { unlink(path) }
        try AudioFileWriter.write(source, to: path, format: AudioFileFormat(codec.container, compressionLevel: checkCompressionLevel, constantBitrate: false),
                                  existing: .overwrite)
        return try AudioFileReader.read(path: path).buffer
    }
}
