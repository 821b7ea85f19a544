import CSndFile

/// The container and sample format of a file Headroom writes.
public struct AudioFileFormat: Sendable, Equatable, Codable, CustomStringConvertible {
    /// File container.
    public enum Container: String, Sendable, Codable, CaseIterable {
        case wav, aiff, flac, ogg, opus, mp3

        /// MP3, Ogg Vorbis and Opus.
        public var isLossy: Bool { self == .ogg || self == .opus || self == .mp3 }

        /// The usual file extension.
        public var fileExtension: String { rawValue }
    }
    /// Sample encoding (ignored for the lossy containers).
    public enum Sample: String, Sendable, Codable, CaseIterable {
        case int16 = "16", int24 = "24", float32 = "32f"
    }

    public var container: Container
    public var sample: Sample
    /// For MP3, Ogg Vorbis and Opus: libsndfile's compression level, 0 (best quality: MP3 at 320 kbps
    /// constant bit rate) to 1 (smallest file).
    public var compressionLevel: Double
    /// MP3: constant bit rate (a delivery's 320 kbps) rather than libsndfile's default variable rate.
    public var constantBitrate: Bool
    /// MP3 at a constant bit rate: the rate in kbps (one of `mp3Bitrates`); nil follows `compressionLevel`
    /// (0: 320 kbps).
    public var bitrateKbps: Int?

    public init(_ container: Container, _ sample: Sample = .int24, compressionLevel: Double = 0, constantBitrate: Bool = true,
                bitrateKbps: Int? = nil) {
        self.container = container
        self.sample = sample
        self.compressionLevel = compressionLevel
        self.constantBitrate = constantBitrate
        self.bitrateKbps = bitrateKbps
    }

    /// The bit rates MPEG-1 Layer III defines (kbps), the ones `--bitrate` takes.
    public static let mp3Bitrates = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]

    /// The compression level that makes libsndfile's MP3 encoder choose `kbps` at a constant bit rate.
    /// libsndfile maps the level linearly onto the MPEG version's range (32–320 kbps from 32 kHz, 8–160
    /// from 16 kHz, 8–64 below) and truncates; half a kbps of slack keeps the truncation on `kbps`.
    public static func mp3CompressionLevel(kbps: Int, sampleRate: Double) -> Double {
        let (low, high): (Double, Double) = sampleRate >= 32_000 ? (32, 320) : sampleRate >= 16_000 ? (8, 160) : (8, 64)
        let k = min(max(Double(kbps), low), high)
        return k >= high ? 0 : (high - k - 0.5) / (high - low)
    }

    /// Whether the container holds lossy audio (word length and dither do not apply).
    public var isLossy: Bool { container.isLossy }

    /// Guesses the container from a path's extension (`.wav`, `.flac`, ...).
    public static func container(forPath path: String) -> Container? {
        guard let dot = path.lastIndex(of: ".") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "wav", "wave": return .wav
        case "aif", "aiff": return .aiff
        case "flac": return .flac
        case "ogg", "oga": return .ogg
        case "opus": return .opus
        case "mp3": return .mp3
        default: return nil
        }
    }

    /// Whether libsndfile can write this combination (FLAC has no float samples).
    public var isValid: Bool { !(container == .flac && sample == .float32) }

    public var description: String {
        switch container {
        case .ogg: return "Ogg Vorbis"
        case .opus: return "Ogg Opus"
        case .mp3: return constantBitrate ? "MP3 \(bitrateKbps ?? 320) kbps" : "MP3"
        default: return "\(container.rawValue.uppercased()) \(sample == .float32 ? "32-bit float" : "\(sample.rawValue)-bit")"
        }
    }

    /// The libsndfile format code.
    var sndfileFormat: Int32 {
        let subtype: Int32
        switch sample {
        case .int16: subtype = Int32(SF_FORMAT_PCM_16)
        case .int24: subtype = Int32(SF_FORMAT_PCM_24)
        case .float32: subtype = Int32(SF_FORMAT_FLOAT)
        }
        switch container {
        case .wav: return Int32(SF_FORMAT_WAV) | subtype
        case .aiff: return Int32(SF_FORMAT_AIFF) | subtype
        case .flac: return Int32(SF_FORMAT_FLAC) | subtype
        case .ogg: return Int32(SF_FORMAT_OGG) | Int32(SF_FORMAT_VORBIS)
        case .opus: return Int32(SF_FORMAT_OGG) | Int32(SF_FORMAT_OPUS)
        case .mp3: return Int32(SF_FORMAT_MPEG) | Int32(SF_FORMAT_MPEG_LAYER_III)
        }
    }
}

/// A human description of a libsndfile format code, e.g. "WAV 24-bit PCM".
func describeSndfileFormat(_ format: Int32) -> String {
    let major: String
    switch format & Int32(SF_FORMAT_TYPEMASK) {
    case Int32(SF_FORMAT_WAV): major = "WAV"
    case Int32(SF_FORMAT_WAVEX): major = "WAV (extensible)"
    case Int32(SF_FORMAT_AIFF): major = "AIFF"
    case Int32(SF_FORMAT_FLAC): major = "FLAC"
    case Int32(SF_FORMAT_OGG): major = "Ogg"
    case Int32(SF_FORMAT_MPEG): major = "MPEG"
    case Int32(SF_FORMAT_W64): major = "W64"
    case Int32(SF_FORMAT_RF64): major = "RF64"
    case Int32(SF_FORMAT_CAF): major = "CAF"
    default: major = "audio"
    }
    let sub: String
    switch format & Int32(SF_FORMAT_SUBMASK) {
    case Int32(SF_FORMAT_PCM_S8), Int32(SF_FORMAT_PCM_U8): sub = "8-bit PCM"
    case Int32(SF_FORMAT_PCM_16): sub = "16-bit PCM"
    case Int32(SF_FORMAT_PCM_24): sub = "24-bit PCM"
    case Int32(SF_FORMAT_PCM_32): sub = "32-bit PCM"
    case Int32(SF_FORMAT_FLOAT): sub = "32-bit float"
    case Int32(SF_FORMAT_DOUBLE): sub = "64-bit float"
    case Int32(SF_FORMAT_VORBIS): sub = "Vorbis"
    case Int32(SF_FORMAT_OPUS): sub = "Opus"
    case Int32(SF_FORMAT_MPEG_LAYER_III): sub = "Layer III (MP3)"
    case Int32(SF_FORMAT_MPEG_LAYER_II): sub = "Layer II"
    default: sub = ""
    }
    return sub.isEmpty ? major : "\(major) \(sub)"
}
