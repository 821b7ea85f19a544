import HeadroomAnalysis
import HeadroomChecklist

/// Before/after measurements of a master and the verdict on the target and the ceiling.
public struct MasterReport: Codable, Sendable, Equatable {
    /// The numbers compared before and after.
    public struct Metrics: Codable, Sendable, Equatable {
        public var integratedLUFS: Double
        public var truePeakDBTP: Double
        public var loudnessRangeLU: Double
        public var plrDB: Double
        public var crestFactorDB: Double
        public var dynamicRangeDR: Int
        /// Loudness of each section of the mix (same boundaries before and after).
        public var sectionLUFS: [Double]
        public var tonalRegions: [Analysis.Region]
        /// Mean |deviation| from the neutral target over the six regions.
        public var meanTonalDeviationDB: Double
    }

    public var target: LoudnessTarget
    public var before: Metrics
    public var after: Metrics
    /// True peak of the master measured with 8x oversampling (an independent, finer check than the 4x detector).
    public var truePeak8xDBTP: Double
    public var targetHit: Bool
    public var ceilingHeld: Bool
    public var inputGainDB: Double
    public var limitingLU: Double
    public var guardLimited: Bool
    public var compressorReductionDB: Double
    public var limiterPasses: Int
    public var sectionStartsSeconds: [Double]
    /// The transient shaper's mean gain where it acted (dB; nil when it is off).
    public var transientShapedDB: Double? = nil
    /// The soft clipper's share of `limitingLU` (nil when it is off).
    public var softClipLU: Double? = nil
    /// Distances to the reference before and after (with a reference only).
    public var match: MatchReport?
    /// A lossy deliverable (MP3, Ogg, Opus): the true peak (8x) of the file as delivered, decoded again; the
    /// ceiling is judged on it.
    public var deliveredTruePeakDBTP: Double?
    /// The lossy format delivered, e.g. "MP3 320 kbps".
    public var deliveredFormat: String?
    /// The loudness range after each stage that shapes dynamics, in chain order from the mix to the master
    /// (sessions before this version have none).
    public var loudnessRangeByStage: [StageRange]?

    /// Where the loudness range was measured on the way through the chain.
    public enum DynamicsStage: String, Codable, Sendable {
        case mix, sectionGain = "section-gain", chain, transient, limiter, shape

        /// For reports: what the step is.
        public var displayName: String {
            switch self {
            case .mix: return "mix"
            case .sectionGain: return "section gain"
            case .chain: return "EQ and compressor"
            case .transient: return "transient shaper"
            case .limiter: return "limiter"
            case .shape: return "shape"
            }
        }
    }

    /// The loudness range after one stage.
    public struct StageRange: Codable, Sendable, Equatable {
        public var stage: DynamicsStage
        public var loudnessRangeLU: Double
        public init(_ stage: DynamicsStage, _ loudnessRangeLU: Double) {
            self.stage = stage; self.loudnessRangeLU = (loudnessRangeLU * 100).rounded() / 100
        }
    }

    /// How much loudness range each stage took (LU; negative: it widened), in chain order.
    public var loudnessRangeTaken: [(stage: DynamicsStage, takenLU: Double)] {
        guard let r = loudnessRangeByStage, r.count > 1 else { return [] }
        return (1..<r.count).map { (r[$0].stage, r[$0 - 1].loudnessRangeLU - r[$0].loudnessRangeLU) }
    }

    /// The same with the shape stage's give-back netted against section gain (what section gain's levelling
    /// cost once the sections were put back).
    public var loudnessRangeTakenNet: [(stage: DynamicsStage, takenLU: Double)] {
        var t = loudnessRangeTaken
        guard let back = t.first(where: { $0.stage == .shape }) else { return t }
        t.removeAll { $0.stage == .shape }
        if let k = t.firstIndex(where: { $0.stage == .sectionGain }) { t[k].takenLU += back.takenLU }
        return t
    }

    /// "section gain 4.4, EQ and compressor 0.1, limiter 0.0 LU".
    public var loudnessRangeTakenText: String {
        let t = loudnessRangeTaken
        guard !t.isEmpty else { return "" }
        let taken = t.filter { $0.stage != .shape }, back = t.first { $0.stage == .shape }
        // A stage that widened the range says so, rather than "took" a negative amount.
        func share(_ s: (stage: DynamicsStage, takenLU: Double)) -> String {
            s.takenLU < -0.05 ? "\(s.stage.displayName) widened it \(NumberText.decimal(-s.takenLU))" : "\(s.stage.displayName) \(NumberText.decimal(max(0, s.takenLU)))"
        }
        let backText = back.map { $0.takenLU < -0.05 ? "; the shape stage gave back \(NumberText.decimal(-$0.takenLU)) LU"
                                    : $0.takenLU > 0.05 ? "; the shape stage took \(NumberText.decimal($0.takenLU)) LU" : "; the shape stage left it as it was" }
        return taken.map(share).joined(separator: ", ") + " LU" + (backText ?? "")
    }
}
