import Foundation
import HeadroomIO
import HeadroomMastering

/// One file a user delivers and the session that belongs to it: `OUT` and `OUT.headroom.json` beside it
/// (`song.master.wav` → `song.master.wav.headroom.json`), so any number of deliverables of one mix (targets,
/// formats) live in one folder without colliding, and each can be re-rendered from its own session.
public struct Deliverable: Sendable, Equatable {
    /// The master's path.
    public var path: String
    public var format: AudioFileFormat
    /// Also write the chain's output before the limiter here.
    public var preLimiterPath: String?

    public init(path: String, format: AudioFileFormat, preLimiterPath: String? = nil) {
        self.path = path; self.format = format; self.preLimiterPath = preLimiterPath
    }

    /// The session's path: the master's path with `.headroom.json` added.
    public var sessionPath: String { Self.sessionPath(forOutput: path) }

    public static func sessionPath(forOutput path: String) -> String { path + ".headroom.json" }

    /// Every path this deliverable writes.
    public var paths: [String] { [path, sessionPath] + (preLimiterPath.map { [$0] } ?? []) }

    /// The formats Headroom writes, by the names `--format` takes.
    public static let formatNames = "wav, aiff, flac, ogg (Vorbis), opus, mp3"

    /// The container named by `--format` ("vorbis" means Ogg Vorbis).
    public static func container(named name: String) -> AudioFileFormat.Container? {
        let n = name.lowercased()
        return n == "vorbis" ? .ogg : n == "aif" ? .aiff : AudioFileFormat.Container(rawValue: n)
    }

    /// The MP3 bit rates `--bitrate` takes, for messages.
    public static let bitrateNames = AudioFileFormat.mp3Bitrates.map(String.init).joined(separator: ", ")

    /// `--bitrate`'s value in kbps: "192", "192k" or "192kbps", one of MP3's bit rates.
    public static func bitrate(_ text: String) throws -> Int {
        var t = text.lowercased()
        for suffix in ["kbps", "kbit/s", "k"] where t.hasSuffix(suffix) { t.removeLast(suffix.count); break }
        guard let kbps = Int(t), AudioFileFormat.mp3Bitrates.contains(kbps) else {
            throw JobError.usage("--bitrate \(text): MP3 bit rates are \(bitrateNames) (kbps)")
        }
        return kbps
    }

    /// The format as a plan's output settings leave it: their word length (a session's, unless `--bits`
    /// was given) and MP3 bit rate.
    public func settled(by output: OutputSettings) -> Deliverable {
        var d = self
        d.format.sample = AudioFileFormat.Sample(rawValue: output.bits) ?? .int24
        d.format.bitrateKbps = d.format.container == .mp3 ? output.bitrateKbps : nil
        return d
    }

    /// The output format from `-o`'s extension and `--format` (which must agree when both are given),
    /// `--bits` (for WAV, AIFF and FLAC only) and `--bitrate` (MP3 only). Without either, 24-bit WAV.
    public static func format(outputPath: String?, formatName: String?, bits: String?, bitrate: String? = nil) throws -> AudioFileFormat {
        var container: AudioFileFormat.Container?
        if let formatName {
            guard let c = Self.container(named: formatName) else {
                throw JobError.usage("--format \(formatName): unknown; Headroom writes \(formatNames)")
            }
            container = c
        }
        if let outputPath {
            let ext = (outputPath as NSString).pathExtension
            guard let c = AudioFileFormat.container(forPath: outputPath), !ext.isEmpty else {
                throw JobError.usage("\(outputPath): \(ext.isEmpty ? "has no extension" : ".\(ext) is not an audio format Headroom writes"); name the master .wav, .aiff, .flac, .ogg, .opus or .mp3")
            }
            if let container, container != c {
                throw JobError.usage("\(outputPath): the extension says \(c.rawValue) but --format says \(formatName ?? ""); make them agree")
            }
            container = c
        }
        let chosen = container ?? .wav
        var sample = AudioFileFormat.Sample.int24
        if let bits {
            guard let s = AudioFileFormat.Sample(rawValue: bits) else { throw JobError.usage("--bits must be 16, 24 or 32f") }
            if chosen.isLossy {
                throw JobError.usage("--bits applies to WAV, AIFF and FLAC; \(AudioFileFormat(chosen)) has no word length (MP3: --bitrate, default 320 kbps)")
            }
            if chosen == .flac && s == .float32 { throw JobError.usage("FLAC holds 16 or 24 bits, not 32f") }
            sample = s
        }
        var kbps: Int?
        if let bitrate {
            kbps = try Self.bitrate(bitrate)
            if chosen != .mp3 {
                throw JobError.usage("--bitrate applies to MP3; \(AudioFileFormat(chosen).description) \(chosen.isLossy ? "is written at its best quality setting" : "is lossless")")
            }
        }
        return AudioFileFormat(chosen, sample, bitrateKbps: kbps)
    }

    /// The default master path: next to the mix (or in `folder`), `STEM.LABEL.EXT` (label "master", or the
    /// target's name when one run makes several).
    public static func defaultPath(stem: String, mixPath: String?, folder: String? = nil, label: String,
                                   container: AudioFileFormat.Container) -> String {
        let dir = folder ?? mixPath.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        return (dir.isEmpty ? "" : dir + "/") + "\(stem).\(label).\(container.fileExtension)"
    }

    /// `out.wav` with a label before the extension: `out.apple.wav` (several targets from one `-o`).
    public static func labelled(_ path: String, _ label: String) -> String {
        let ext = (path as NSString).pathExtension
        return (path as NSString).deletingPathExtension + ".\(label)" + (ext.isEmpty ? "" : ".\(ext)")
    }
}
