import HeadroomDSP

/// One gain segment of the section-gain automation.
public struct SectionGainSegment: Codable, Sendable, Equatable {
    public var startSeconds: Double
    public var endSeconds: Double
    public var gainDB: Double
    public init(startSeconds: Double, endSeconds: Double, gainDB: Double) {
        self.startSeconds = startSeconds; self.endSeconds = endSeconds; self.gainDB = gainDB
    }
}

/// Clip-gain automation per section, with raised-cosine ramps centred on the boundaries.
public struct SectionGainSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var segments: [SectionGainSegment]
    public var rampMilliseconds: Double
    public init(enabled: Bool = true, segments: [SectionGainSegment] = [], rampMilliseconds: Double = 400) {
        self.enabled = enabled; self.segments = segments; self.rampMilliseconds = rampMilliseconds
    }
}

/// DC removal and a subsonic high-pass.
public struct CleanupSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    /// A 5 Hz first-order high-pass removes DC offset.
    public var removeDC: Bool
    /// Second-order Butterworth high-pass below the music; nil for none.
    public var highPassHz: Double?
    public init(enabled: Bool = false, removeDC: Bool = false, highPassHz: Double? = nil) {
        self.enabled = enabled; self.removeDC = removeDC; self.highPassHz = highPassHz
    }
}

/// A filter of the tonal EQ (RBJ biquads, minimum phase).
public struct EQBand: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case lowShelf, highShelf, bell }
    public var kind: Kind
    public var frequencyHz: Double
    public var gainDB: Double
    /// Bells only.
    public var q: Double
    public init(kind: Kind, frequencyHz: Double, gainDB: Double, q: Double = 0.8) {
        self.kind = kind; self.frequencyHz = frequencyHz; self.gainDB = gainDB; self.q = q
    }

    public func coefficients(sampleRate: Double) -> BiquadCoefficients {
        switch kind {
        case .lowShelf: return .lowShelf(frequencyHz: frequencyHz, gainDB: gainDB, sampleRate: sampleRate)
        case .highShelf: return .highShelf(frequencyHz: frequencyHz, gainDB: gainDB, sampleRate: sampleRate)
        case .bell: return .peaking(frequencyHz: frequencyHz, gainDB: gainDB, q: q, sampleRate: sampleRate)
        }
    }
}

public struct ToneEQSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var bands: [EQBand]
    public init(enabled: Bool = false, bands: [EQBand] = []) { self.enabled = enabled; self.bands = bands }
}

/// Width per band: an EQ on the side signal only (from reference matching).
public struct WidthSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    /// Filters applied to the side signal; their gains are the changes in side-to-mid ratio (dB).
    public var sideBands: [EQBand]
    public init(enabled: Bool = false, sideBands: [EQBand] = []) { self.enabled = enabled; self.sideBands = sideBands }
}

/// Feed-forward, stereo-linked glue compressor.
public struct CompressorSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var thresholdDB: Double
    public var ratio: Double
    public var kneeDB: Double
    public var attackMilliseconds: Double
    public var releaseMilliseconds: Double
    /// The slower release that takes over when gain reduction persists (program-dependent release).
    public var slowReleaseMilliseconds: Double
    /// RMS detector window.
    public var detectorMilliseconds: Double
    public init(enabled: Bool = false, thresholdDB: Double = -20, ratio: Double = 1.5, kneeDB: Double = 6,
                attackMilliseconds: Double = 30, releaseMilliseconds: Double = 150, slowReleaseMilliseconds: Double = 600,
                detectorMilliseconds: Double = 20) {
        self.enabled = enabled; self.thresholdDB = thresholdDB; self.ratio = ratio; self.kneeDB = kneeDB
        self.attackMilliseconds = attackMilliseconds; self.releaseMilliseconds = releaseMilliseconds
        self.slowReleaseMilliseconds = slowReleaseMilliseconds; self.detectorMilliseconds = detectorMilliseconds
    }
}

/// Narrows the side signal below a crossover (mono lows). 150 Hz by default: the analysis' own
/// definition of the low end, so what is flagged is what gets fixed.
public struct StereoLowsSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var crossoverHz: Double
    /// 1 = fully mono below the crossover.
    public var amount: Double
    public init(enabled: Bool = false, crossoverHz: Double = 150, amount: Double = 1) {
        self.enabled = enabled; self.crossoverHz = crossoverHz; self.amount = amount
    }
}

/// The true-peak limiter, with the gain into it.
public struct LimiterSettings: Codable, Sendable, Equatable {
    /// Gain applied before limiting (set by the loudness search).
    public var inputGainDB: Double
    public var ceilingDBTP: Double
    public var lookaheadMilliseconds: Double
    public var releaseMilliseconds: Double
    /// The limiter aims this far under the ceiling, for the peaks its time-varying gain creates.
    public var marginDB: Double
    public init(inputGainDB: Double = 0, ceilingDBTP: Double = -1, lookaheadMilliseconds: Double = 3,
                releaseMilliseconds: Double = 80, marginDB: Double = 0.1) {
        self.inputGainDB = inputGainDB; self.ceilingDBTP = ceilingDBTP
        self.lookaheadMilliseconds = lookaheadMilliseconds; self.releaseMilliseconds = releaseMilliseconds
        self.marginDB = marginDB
    }
}

/// The song's shape given back after the chain: clip-gain automation after the limiter that puts every
/// section back as far under the loudest as the mix had it (or as far as even-out asks). Section gain
/// levels the sections into the chain so the compressor and the limiter treat them alike; this undoes that
/// levelling on the master. The renderer measures where each section ends up and sets the gains; it only
/// ever lowers a section (a raise after the limiter could cross the ceiling).
public struct ShapeSettings: Codable, Sendable, Equatable {
    /// One section: its span and how far under the loudest section it should sit on the master (LU).
    public struct Section: Codable, Sendable, Equatable {
        public var startSeconds: Double
        public var endSeconds: Double
        public var wantedDistanceLU: Double
        public init(startSeconds: Double, endSeconds: Double, wantedDistanceLU: Double) {
            self.startSeconds = startSeconds; self.endSeconds = endSeconds; self.wantedDistanceLU = wantedDistanceLU
        }
    }
    public var enabled: Bool
    public var sections: [Section]
    /// Index of the loudest section (its gain stays 0).
    public var loudestIndex: Int
    public var rampMilliseconds: Double
    /// The gains the render set, per section (dB, ≤ 0); filled in the rendered plan, for the report.
    public var gainsDB: [Double]?
    /// The share of the shape the render put back (1: all; less when the target needed the loudness).
    public var shareRestored: Double?

    /// The most a section is lowered: beyond this, the chain itself reshaped the song and the verdict says so.
    public static let maxCutDB = 12.0

    public init(enabled: Bool = true, sections: [Section] = [], loudestIndex: Int = 0, rampMilliseconds: Double = 400,
                gainsDB: [Double]? = nil, shareRestored: Double? = nil) {
        self.enabled = enabled; self.sections = sections; self.loudestIndex = loudestIndex
        self.rampMilliseconds = rampMilliseconds; self.gainsDB = gainsDB; self.shareRestored = shareRestored
    }
}

/// The transient shaper: attack and sustain, each a gain (dB) at a full envelope difference.
public struct TransientSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    /// Gain at a full transient: negative softens the hits, positive brings attack back.
    public var attackDB: Double
    /// Gain at a full sustain (the ring after a hit): negative tightens, positive fills.
    public var sustainDB: Double
    public var fastAttackMilliseconds: Double
    public var slowAttackMilliseconds: Double
    /// Release of the attack envelopes and the short sustain envelope.
    public var releaseMilliseconds: Double
    /// Release of the long sustain envelope.
    public var sustainReleaseMilliseconds: Double
    public init(enabled: Bool = false, attackDB: Double = 0, sustainDB: Double = 0, fastAttackMilliseconds: Double = 0.5,
                slowAttackMilliseconds: Double = 20, releaseMilliseconds: Double = 60, sustainReleaseMilliseconds: Double = 300) {
        self.enabled = enabled; self.attackDB = attackDB; self.sustainDB = sustainDB
        self.fastAttackMilliseconds = fastAttackMilliseconds; self.slowAttackMilliseconds = slowAttackMilliseconds
        self.releaseMilliseconds = releaseMilliseconds; self.sustainReleaseMilliseconds = sustainReleaseMilliseconds
    }
}

/// The soft clipper before the limiter (loud targets): its clip level sits `clipOverCeilingDB` over the
/// limiter's ceiling (the ceiling is the limiter's; this reads it), with a `kneeDB` soft knee under it.
public struct SoftClipSettings: Codable, Sendable, Equatable {
    public var enabled: Bool
    public var clipOverCeilingDB: Double
    public var kneeDB: Double
    public init(enabled: Bool = false, clipOverCeilingDB: Double = 3, kneeDB: Double = 2) {
        self.enabled = enabled; self.clipOverCeilingDB = clipOverCeilingDB; self.kneeDB = kneeDB
    }
}
