import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP

/// Plans an album as a whole: per-track loudness targets by one stated rule, one tonal target, one ceiling.
///
/// The loudness rule: the track whose loud part is loudest sits at the target; every other track keeps
/// `keepOffset` of its loud-part distance to that track (a ballad 6 LU under the single stays 3 LU under
/// at 0.5), but never more than `maxOffsetLU` under. Loud parts (the loudest section and those within 3 LU)
/// are compared rather than integrated loudness, so a long quiet intro does not make a song "quiet".
/// The tonal target is the album's average loud-part spectrum (or the reference's): each track is matched
/// towards it by `eqAmount`, which pulls outliers in without making every song the same.
public struct AlbumPlanner: Sendable {
    public struct Options: Sendable {
        public var target: LoudnessTarget
        /// Share of each track's loudness distance to the loudest track it keeps (0: all at the target).
        public var keepOffset: Double = 0.5
        /// The most a track may sit under the target (LU).
        public var maxOffsetLU: Double = 4
        /// How far each track's tone is matched to the album's (0...1).
        public var eqAmount: Double = 0.5
        public var evenOut: Double = Planner.defaultEvenOut
        public var maxLimitingLU: Double = 4
        public var output = OutputSettings()
        /// A reference to match instead of the album average, with its amounts.
        public var reference: ReferenceProfile?
        public var matchAmounts = MatchAmounts()
        /// What tracks (and the reference) are compared on; the tracks' profiles must be measured on it.
        public var matchSpan = ReferenceProfile.Span.loud
        public init(target: LoudnessTarget) { self.target = target }
    }

    /// One track's plan inputs.
    public struct Track: Sendable {
        public var name: String
        public var analysis: Analysis
        public var profile: ReferenceProfile
        public init(name: String, analysis: Analysis, profile: ReferenceProfile) {
            self.name = name; self.analysis = analysis; self.profile = profile
        }
    }

    /// What the album plan decided for one track.
    public struct TrackDecision: Codable, Sendable, Equatable {
        public var name: String
        public var loudPartLUFS: Double
        public var offsetLU: Double
        public var targetLUFS: Double
        public var reason: String
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    /// The album's tonal target: the average of the tracks' loud-part profiles (equal weights).
    public static func averageProfile(_ tracks: [Track]) -> ReferenceProfile {
        var blend = ReferenceProfile.blend(tracks.map(\.profile), weights: Array(repeating: 1, count: tracks.count))
        blend.name = tracks.count == 1 ? tracks[0].profile.name : "the album average (\(tracks.count) tracks)"
        return blend
    }

    /// The loudest track's target: the preset's, moved towards a reference's loudness by its amount.
    public var baseLUFS: Double {
        var lufs = options.target.integratedLUFS
        if let ref = options.reference, options.matchAmounts.loudness > 0 {
            lufs += options.matchAmounts.loudness * (ref.integratedLUFS - lufs)
        }
        return (min(-3, max(-40, lufs)) * 10).rounded() / 10
    }

    /// The per-track loudness targets.
    public func loudness(_ tracks: [Track]) -> [TrackDecision] {
        let top = tracks.map(\.profile.sectionLUFS).max() ?? 0
        var base = options.target
        base.integratedLUFS = baseLUFS
        return tracks.map { t in
            let distance = top - t.profile.sectionLUFS
            let offset = min(options.maxOffsetLU, options.keepOffset * distance)
            let target = ((base.integratedLUFS - offset) * 10).rounded() / 10
            let reason = distance < 0.05
                ? "the album's loudest track (loud part \(NumberText.decimal(t.profile.sectionLUFS)) LUFS): at the target"
                : "loud part \(NumberText.decimal(distance)) LU under the loudest track; keeps \(Int((options.keepOffset * 100).rounded())) % of it\(offset >= options.maxOffsetLU - 1e-9 ? ", capped at \(NumberText.decimal(options.maxOffsetLU)) LU" : "")"
            return TrackDecision(name: t.name, loudPartLUFS: t.profile.sectionLUFS, offsetLU: offset, targetLUFS: target, reason: reason)
        }
    }

    /// The mastering options of each track: its loudness target, the album's tonal target, the same ceiling.
    public func trackOptions(_ tracks: [Track]) -> [Planner.Options] {
        let decisions = loudness(tracks)
        let tonal = options.reference ?? Self.averageProfile(tracks)
        return decisions.map { d in
            var target = options.target
            target.integratedLUFS = d.targetLUFS
            target.name = "\(options.target.name) album: \(d.offsetLU > 0.05 ? "\(NumberText.decimal(d.offsetLU)) LU under the loudest track" : "the loudest track")"
            var o = Planner.Options(target: target)
            o.evenOut = options.evenOut
            o.maxLimitingLU = options.maxLimitingLU
            o.output = options.output
            o.reference = tonal
            o.matchSpan = options.matchSpan
            // The album rule owns the loudness; the reference (or album average) owns the tone.
            o.matchAmounts = options.reference == nil
                ? MatchAmounts(eq: options.eqAmount, width: 0, loudness: 0, dynamics: 0)
                : MatchAmounts(eq: options.matchAmounts.eq, width: options.matchAmounts.width, loudness: 0, dynamics: options.matchAmounts.dynamics)
            return o
        }
    }

    /// Spread of the tracks' tone: the mean over 1/3-octave bands (40 Hz–16 kHz) of the standard deviation
    /// of the loudness-normalized band levels between tracks (dB).
    public static func tonalSpreadDB(_ profiles: [ReferenceProfile]) -> Double {
        guard profiles.count > 1 else { return 0 }
        let bands = ReferenceProfile.tonalBands.filter { b in profiles.allSatisfy { $0.bandLevelsDB[b] > -150 } }
        guard !bands.isEmpty else { return 0 }
        let n = Double(profiles.count)
        return bands.reduce(0) { sum, b in
            let values = profiles.map { $0.bandLevelsDB[b] }
            let mean = values.reduce(0, +) / n
            return sum + (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        } / Double(bands.count)
    }
}
