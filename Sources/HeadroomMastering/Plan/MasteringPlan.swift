import HeadroomAnalysis

/// One decision of the plan: what was set, why, and which checklist items it serves.
public struct PlanDecision: Codable, Sendable, Equatable {
    /// The stage: "section-gain", "cleanup", "eq", "compressor", "stereo-lows", "limiter", "loudness", "output".
    public var stage: String
    /// What was set, e.g. "low shelf −1.5 dB at 120 Hz".
    public var summary: String
    /// Why, with numbers.
    public var reason: String
    /// Checklist item ids it serves.
    public var itemIDs: [Int]

    public init(stage: String, summary: String, reason: String, itemIDs: [Int] = []) {
        self.stage = stage; self.summary = summary; self.reason = reason; self.itemIDs = itemIDs
    }
}

/// Output file settings.
public struct OutputSettings: Codable, Sendable, Equatable {
    /// "wav", "flac" or "mp3".
    public var format: String
    /// "16", "24" or "32f".
    public var bits: String
    /// Resample to this rate before the chain; nil keeps the input's rate.
    public var sampleRateHz: Double?
    /// TPDF dither when the word length is reduced (16/24-bit PCM).
    public var dither: Bool
    /// MP3's constant bit rate in kbps; nil: 320.
    public var bitrateKbps: Int?
    public init(format: String = "wav", bits: String = "24", sampleRateHz: Double? = nil, dither: Bool = true, bitrateKbps: Int? = nil) {
        self.format = format; self.bits = bits; self.sampleRateHz = sampleRateHz; self.dither = dither; self.bitrateKbps = bitrateKbps
    }
}

extension OutputSettings {
    /// The formats without a word length (or dither).
    static let lossyFormats: Set<String> = ["mp3", "ogg", "opus"]

    /// For the plan: "wav 24-bit, 48000 Hz, TPDF dither", "mp3 320 kbps".
    public var summary: String {
        var parts: [String]
        if format == "mp3" { parts = ["mp3 \(bitrateKbps ?? 320) kbps"] }
        else if Self.lossyFormats.contains(format) { parts = [format] }
        else { parts = ["\(format) \(bits == "32f" ? "32-bit float" : bits + "-bit")"] }
        if let r = sampleRateHz { parts.append("\(Int(r)) Hz") }
        if !Self.lossyFormats.contains(format) && bits != "32f" && dither { parts.append("TPDF dither") }
        return parts.joined(separator: ", ")
    }
}

/// Everything the renderer needs, and the reasons: Codable, editable in the session file, reproducible.
public struct MasteringPlan: Codable, Sendable, Equatable {
    public var target: LoudnessTarget
    /// How much of each section's distance under the loudest the master removes: 0 keeps the song's
    /// shape, 1 levels the sections fully.
    public var evenOut: Double
    /// The most loudness (LU) the limiter may take from the loudest section to reach the target.
    public var maxLimitingLU: Double
    public var sectionGain: SectionGainSettings
    public var cleanup: CleanupSettings
    public var eq: ToneEQSettings
    /// Width per band (reference matching); absent in plans without a reference.
    public var width: WidthSettings?
    public var compressor: CompressorSettings
    /// The transient shaper after the compressor (absent in sessions from before it).
    public var transient: TransientSettings? = nil
    public var stereoLows: StereoLowsSettings
    public var limiter: LimiterSettings
    /// The soft clipper in front of the limiter, for loud targets (absent: none).
    public var softClip: SoftClipSettings? = nil
    /// The song's shape put back after the limiter (absent in sessions from before the shape stage).
    public var shape: ShapeSettings? = nil
    public var output: OutputSettings
    /// Reference matching, when the master follows one or more references.
    public var match: MatchSettings?
    /// The loudest section, where the chain was set up.
    public var loudestSection: TimeRange
    public var decisions: [PlanDecision]
}
