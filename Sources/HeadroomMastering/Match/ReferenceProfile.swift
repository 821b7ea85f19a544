import Foundation
import HeadroomAnalysis
import HeadroomDSP

/// What reference matching compares, measured on a track's loud part — the loudest section and every
/// section within `loudPartLU` of it — so an intro or a quiet bridge does not skew it, and neither does
/// one short, filtered build-up that happens to be the loudest: the tonal balance, the stereo width per
/// band, the loudness and the density.
///
/// Band levels are 1/3-octave levels of the mid signal relative to the section's loudness (the
/// "loudness-normalized" spectrum): two tracks with the same tonal balance read the same whatever their
/// levels. Width is side over mid energy per width band, in dB.
public struct ReferenceProfile: Codable, Sendable, Equatable {
    /// File name (or "blend of ..."), for reports.
    public var name: String
    public var integratedLUFS: Double
    /// The sections the profile was measured on.
    public var sections: [TimeRange]
    public var sectionLUFS: Double
    public var sectionTruePeakDBTP: Double
    /// Largest short-term (3 s) loudness inside the section.
    public var sectionMaxShortTermLUFS: Double
    /// Mid-signal 1/3-octave band levels minus the section's loudness, at `SpectrumMeter.bandCentersHz`.
    public var bandLevelsDB: [Double]
    /// Side over mid energy per `widthBands` band, in dB (nil for a mono track).
    public var sideToMidDB: [Double]?

    /// Peak-to-loudness ratio of the section: true peak minus its loudness.
    public var sectionPLRDB: Double { sectionTruePeakDBTP - sectionLUFS }

    /// Width bands (Hz): lows, low mids, mids, presence, air.
    public static let widthBands: [(name: String, lowHz: Double, highHz: Double)] = [
        ("lows", 20, 150), ("low mids", 150, 600), ("mids", 600, 2500), ("presence", 2500, 8000), ("air", 8000, 20000),
    ]
    /// Bands the tonal distance is taken over: 40 Hz–16 kHz (as the product notes' measurements are).
    public static let tonalBands = TonalTarget.alignmentBands

    /// Sections this close to the loudest one (LU) count as the loud part.
    public static let loudPartLU = 3.0

    /// The loud part of a song: its loudest section and every section within `loudPartLU` of it.
    public static func loudPart(_ analysis: Analysis) -> [TimeRange] {
        let top = analysis.loudestSection.integratedLUFS
        return analysis.sections.filter { $0.integratedLUFS >= top - loudPartLU || $0.index == analysis.loudestSectionIndex }.map(\.range)
    }

    /// What part of a track a profile is measured on.
    public enum Span: String, Codable, Sendable, CaseIterable {
        /// The loudest section and every section within `loudPartLU` of it (the default).
        case loud
        /// The whole track, as Matchering compares.
        case whole

        /// The time ranges of this span in an analyzed track.
        public func ranges(_ analysis: Analysis) -> [TimeRange] {
            switch self {
            case .loud: return ReferenceProfile.loudPart(analysis)
            case .whole: return [TimeRange(startSeconds: 0, endSeconds: analysis.durationSeconds)]
            }
        }
    }

    /// Measures `audio` on `ranges` (default: the `span` of `analysis`, its loud part unless told).
    public static func measure(_ audio: AudioBuffer, analysis: Analysis, name: String, ranges: [TimeRange]? = nil,
                               span: Span = .loud) -> ReferenceProfile {
        measure(audio, integratedLUFS: analysis.loudness.integratedLUFS, name: name, ranges: ranges ?? span.ranges(analysis))
    }

    /// Measures `audio` on `sections`, given its integrated loudness: the sections' frames back to back, fed
    /// where they lie (no copy).
    public static func measure(_ audio: AudioBuffer, integratedLUFS: Double, name: String, ranges sections: [TimeRange]) -> ReferenceProfile {
        var meter = Meter(sampleRate: audio.sampleRate, channelCount: audio.channelCount)
        for section in sections {
            meter.add(audio, frames: Self.frames(of: section, sampleRate: audio.sampleRate, frameCount: audio.frameCount))
        }
        return meter.profile(integratedLUFS: integratedLUFS, name: name, ranges: sections)
    }

    /// The frames of `section` in audio `frameCount` long (clamped to it).
    public static func frames(of section: TimeRange, sampleRate sr: Double, frameCount: Int) -> Range<Int> {
        let a = max(0, min(frameCount, Int(section.startSeconds * sr)))
        return a..<max(a, min(frameCount, Int(section.endSeconds * sr)))
    }

    /// Several references blended by weight (normalized to sum 1): levels and widths averaged in dB.
    public static func blend(_ profiles: [ReferenceProfile], weights: [Double]) -> ReferenceProfile {
        precondition(!profiles.isEmpty && profiles.count == weights.count)
        if profiles.count == 1 { return profiles[0] }
        let total = weights.reduce(0, +)
        let w = weights.map { $0 / total }
        func mix(_ value: (ReferenceProfile) -> Double) -> Double { zip(profiles, w).reduce(0) { $0 + value($1.0) * $1.1 } }
        var out = profiles[0]
        out.name = "blend of " + zip(profiles, w).map { "\($0.name) \(Int(($1 * 100).rounded())) %" }.joined(separator: ", ")
        out.integratedLUFS = mix(\.integratedLUFS)
        out.sectionLUFS = mix(\.sectionLUFS)
        out.sectionTruePeakDBTP = mix(\.sectionTruePeakDBTP)
        out.sectionMaxShortTermLUFS = mix(\.sectionMaxShortTermLUFS)
        out.bandLevelsDB = profiles[0].bandLevelsDB.indices.map { b in mix { $0.bandLevelsDB[b] } }
        let stereo = profiles.filter { $0.sideToMidDB != nil }
        if stereo.isEmpty { out.sideToMidDB = nil } else {
            let sw = profiles.indices.filter { profiles[$0].sideToMidDB != nil }.map { w[$0] }
            let swTotal = sw.reduce(0, +)
            out.sideToMidDB = ReferenceProfile.widthBands.indices.map { b in
                zip(stereo, sw).reduce(0) { $0 + $1.0.sideToMidDB![b] * $1.1 / swTotal }
            }
        }
        return out
    }
}

/// Distances between a track and a reference, one per aspect (0 = identical).
public struct MatchDistances: Codable, Sendable, Equatable {
    /// Mean |difference| of the loudness-normalized 1/3-octave band levels, 40 Hz–16 kHz (dB).
    public var tonalDB: Double
    /// Mean |difference| of side-to-mid ratio over the width bands (dB); nil when either is mono.
    public var widthDB: Double?
    /// |difference| of integrated loudness (LU).
    public var loudnessLU: Double
    /// |difference| of the loudest section's peak-to-loudness ratio (dB).
    public var densityDB: Double
    /// |difference| of the loud part's largest short-term (3 s) loudness (LU): how loud the loudest moment is.
    public var shortTermLU: Double

    public init(_ track: ReferenceProfile, _ reference: ReferenceProfile) {
        let bands = ReferenceProfile.tonalBands.filter { track.bandLevelsDB[$0] > -150 && reference.bandLevelsDB[$0] > -150 }
        tonalDB = bands.isEmpty ? 0 : bands.reduce(0) { $0 + abs(track.bandLevelsDB[$1] - reference.bandLevelsDB[$1]) } / Double(bands.count)
        if let a = track.sideToMidDB, let b = reference.sideToMidDB {
            widthDB = zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(a.count)
        } else {
            widthDB = nil
        }
        loudnessLU = abs(track.integratedLUFS - reference.integratedLUFS)
        densityDB = abs(track.sectionPLRDB - reference.sectionPLRDB)
        shortTermLU = abs(track.sectionMaxShortTermLUFS - reference.sectionMaxShortTermLUFS)
    }
}
