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
    /// Distances to the reference before and after (with a reference only).
    public var match: MatchReport?
    /// A lossy deliverable (MP3, Ogg, Opus): the true peak (8x) of the file as delivered, decoded again; the
    /// ceiling is judged on it.
    public var deliveredTruePeakDBTP: Double?
    /// The lossy format delivered, e.g. "MP3".
    public var deliveredFormat: String?
}
