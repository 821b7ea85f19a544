import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP

/// How a mix or master translates: through each speaker model, after each platform's loudness
/// normalization, and after lossy encoding — with checklist items for what does not survive.
///
/// Speaker figures come from the analysis' 1/12-octave spectra through each model's response — mid plus
/// side for two speakers, the mid alone for mono ones — instantly, and within a few tenths of a LU of
/// rendering the model (see the tests). Codec figures come from real encode/decode round trips, done by
/// the caller, which owns the files.
public struct TranslationReport: Codable, Sendable, Equatable {
    /// One speaker model's view of the track.
    public struct Speaker: Codable, Sendable, Equatable {
        public var name: String
        public var summary: String
        /// Change of integrated loudness through the model (LU).
        public var loudnessChangeLU: Double
        /// Share of the energy below 150 Hz, in dB of the total, through the model.
        public var lowEndDB: Double
        /// Share of the energy in the vocal band (1–4 kHz), in dB of the total, through the model.
        public var vocalBandDB: Double
        /// The same two shares without the model (the source).
        public var sourceLowEndDB: Double
        public var sourceVocalBandDB: Double
    }

    /// One platform's normalization of the track.
    public struct PlatformPlayback: Codable, Sendable, Equatable {
        public var name: String
        public var referenceLUFS: Double
        /// Playback gain the platform applies (negative: turned down).
        public var gainDB: Double
        /// Integrated loudness as played.
        public var playsAtLUFS: Double
        /// The loudest 3 s as played (max short-term loudness plus the gain).
        public var loudestMomentLUFS: Double
        /// "turns this down by 4.1 dB; its loudest moment then plays at −9.8 LUFS".
        public var sentence: String
    }

    /// One codec's round trip.
    public struct CodecCheck: Codable, Sendable, Equatable {
        /// "MP3", "Ogg Vorbis", "Ogg Opus".
        public var codec: String
        public var truePeakDBTP: Double
        /// The source's true peak (4x), for the rise.
        public var sourceTruePeakDBTP: Double
        /// Decoded samples at or beyond full scale (they clip in fixed-point playback).
        public var clippedSamples: Int
        public var overs: Bool
        /// A ceiling that would keep the decoded peaks under −0.1 dBTP (when there are overs).
        public var suggestedCeilingDBTP: Double?
    }

    public var speakers: [Speaker]
    public var platforms: [PlatformPlayback]
    public var codecs: [CodecCheck]
    /// What does not survive (problems), what does (strengths), and facts.
    public var items: [ChecklistItem]
}

public enum Translation {
    /// Decoded peaks above this are overs.
    public static let codecOverDBTP = -0.1
    /// Mono fold-down losing more than this is a problem: the checklist's own mono-safe line, so the
    /// master's "mono-safe" verdict and this one read the same figure against the same limit.
    public static let monoLossLU = ChecklistThresholds.monoSafeLossLU
    /// A car's cabin gain (+5 dB under ~90 Hz) makes lows that already stand this far over the neutral
    /// target boom; lows at or under the target (a thin mix the EQ lifted) are what the cabin is for.
    public static let carBoomLowsOverTargetDB = 1.5
    /// A platform turning the master down by more than this gets a line. A −14 LUFS master is turned down
    /// 1 dB by a −15 LUFS platform: not worth a line, and a threshold at 1 dB would flip with a hundredth
    /// of a LU of the master's loudness (it lands within ±0.1 LU of its target).
    public static let turnedDownDB = 1.5

    /// Evaluates the speaker models and the platforms on `analysis`, adds the codec checks, and writes the items.
    public static func evaluate(_ analysis: Analysis, codecs: [TranslationReport.CodecCheck] = []) -> TranslationReport {
        let sr = analysis.sampleRateHz
        // The 1/12-octave spectrum: steep speaker filters need the detail.
        let centers = analysis.tonalBalance.fineBandCentersHz
        let bands = Array(centers.indices)
        let mid = bands.map { Decibels.toPower(analysis.tonalBalance.fineLevelDB[$0]) }
        let side = bands.map { Decibels.toPower(analysis.tonalBalance.fineSideLevelDB[$0]) }
        // Two speakers play L² + R² = 2(M² + S²); a mono system plays the mid alone (on both: 2M²).
        let power = zip(mid, side).map { $0 + $1 }
        let kWeight = bands.map { KWeighting.powerGain(atHz: centers[$0], sampleRate: sr) }
        func share(_ p: [Double], _ range: Range<Double>) -> Double {
            let total = p.reduce(0, +)
            let part = zip(bands, p).filter { range.contains(centers[$0.0]) }.reduce(0) { $0 + $1.1 }
            return total > 0 ? max(-60, Decibels.fromPower(part / total)) : -60
        }
        let speakers = SpeakerModel.all.map { model -> TranslationReport.Speaker in
            let response = bands.map { Decibels.toPower(model.responseDB(atHz: centers[$0], sampleRate: sr)) }
            let through = zip(model.mono ? mid : power, response).map { $0 * $1 }
            let before = zip(power, kWeight).reduce(0) { $0 + $1.0 * $1.1 }
            let after = zip(through, kWeight).reduce(0) { $0 + $1.0 * $1.1 }
            var change = before > 0 && after > 0 ? Decibels.fromPower(after / before) : 0
            // The bare fold-down is measured, not estimated: the same figure as the mono checklist line.
            if model.mono && model.filters.isEmpty, let stereo = analysis.stereo { change = -stereo.monoFoldLossLU }
            return .init(name: model.name, summary: model.summary, loudnessChangeLU: change,
                         lowEndDB: share(through, 0..<150), vocalBandDB: share(through, 1000..<4000),
                         sourceLowEndDB: share(power, 0..<150), sourceVocalBandDB: share(power, 1000..<4000))
        }

        let lufs = analysis.loudness.integratedLUFS, tp = analysis.levels.truePeakDBTP
        let platforms = Platform.all.map { p -> TranslationReport.PlatformPlayback in
            let gain = p.gainDB(integratedLUFS: lufs, truePeakDBTP: tp)
            let loudest = analysis.loudness.maxShortTermLUFS + gain
            let verb = gain < -0.05 ? "turns this down by \(NumberText.decimal(-gain)) dB"
                : gain > 0.05 ? "turns this up by \(NumberText.decimal(gain)) dB" : "plays this as it is"
            let short = !p.turnsUp && lufs < p.referenceLUFS - 0.05 ? " (it never turns up: \(NumberText.decimal(p.referenceLUFS - lufs)) LU quieter than louder tracks)" : ""
            return .init(name: p.name, referenceLUFS: p.referenceLUFS, gainDB: gain, playsAtLUFS: lufs + gain,
                         loudestMomentLUFS: loudest,
                         sentence: "\(p.name) \(verb); its loudest moment then plays at \(NumberText.decimal(loudest)) LUFS short-term\(short)")
        }
        return TranslationReport(speakers: speakers, platforms: platforms, codecs: codecs,
                                 items: items(analysis, speakers: speakers, platforms: platforms, codecs: codecs))
    }

    /// The codec check of a decoded round trip.
    public static func codecCheck(codec: String, source: AudioBuffer, decoded: AudioBuffer) -> TranslationReport.CodecCheck {
        let meter = TruePeakMeter()
        return codecCheck(codec: codec, sourceTruePeakDBTP: meter.truePeakDBTP(of: source), decodedTruePeakDBTP: meter.truePeakDBTP(of: decoded),
                          clippedSamples: decoded.channels.reduce(0) { $0 + clippedSamples($1) })
    }

    /// Samples at or over full scale in `x` (what a decoder clips).
    public static func clippedSamples<C: Collection>(_ x: C) -> Int where C.Element == Float {
        x.reduce(0) { $0 + (abs($1) >= 1 ? 1 : 0) }
    }

    /// The verdict from the measurements: the source's and the decoded audio's true peaks (4x, `TruePeakMeter`)
    /// and the decoded samples at full scale.
    public static func codecCheck(codec: String, sourceTruePeakDBTP sourceTP: Double, decodedTruePeakDBTP tp: Double,
                                  clippedSamples clipped: Int) -> TranslationReport.CodecCheck {
        let overs = tp > codecOverDBTP || clipped > 0
        // The rise the codec adds, taken off the source's peak, plus a tenth for safety.
        let suggested = overs ? ((sourceTP - (tp - codecOverDBTP) - 0.1) * 10).rounded(.down) / 10 : nil
        return .init(codec: codec, truePeakDBTP: tp, sourceTruePeakDBTP: sourceTP, clippedSamples: clipped, overs: overs,
                     suggestedCeilingDBTP: suggested)
    }

    static func items(_ a: Analysis, speakers: [TranslationReport.Speaker], platforms: [TranslationReport.PlatformPlayback],
                      codecs: [TranslationReport.CodecCheck]) -> [ChecklistItem] {
        var items: [ChecklistItem] = []
        func add(_ key: String, _ kind: ChecklistItem.Kind, _ severity: ChecklistItem.Severity, _ title: String,
                 value: Double, unit: String, expected: String, action: String) {
            items.append(ChecklistItem(id: items.count + 1, key: key, kind: kind, severity: severity, title: title, timeRanges: [],
                                       measuredValue: (value * 100).rounded() / 100, unit: unit, expected: expected,
                                       action: action, status: kind == .problem ? .open : .noted, note: nil))
        }
        let d = { (x: Double) in NumberText.decimal(x) }
        // Small speakers: the bass must reach them through its harmonics (150–600 Hz).
        if let phone = speakers.first(where: { $0.name == "phone" }), phone.sourceLowEndDB > -8 {
            let centers = a.tonalBalance.bandCentersHz
            func level(_ r: Range<Double>) -> Double {
                Decibels.fromPower(centers.indices.filter { r.contains(centers[$0]) }.reduce(0) { $0 + Decibels.toPower(a.tonalBalance.levelDB[$1]) })
            }
            let harmonics = level(150..<600) - level(20..<150)
            if harmonics < -6 {
                add("translation.phone-bass", .problem, .minor,
                    "On a phone the bass all but disappears: \(d(phone.sourceLowEndDB)) dB of the energy is below 150 Hz, and its harmonics (150–600 Hz) sit \(d(-harmonics)) dB lower",
                    value: harmonics, unit: "dB", expected: "harmonics within 6 dB of the lows",
                    action: "In the mix, give the bass and kick harmonics (saturation, a brighter layer) so they read on small speakers.")
            } else {
                add("translation.phone-bass", .strength, .info,
                    "The bass reaches small speakers through its harmonics (150–600 Hz \(harmonics >= 0 ? "\(d(harmonics)) dB over" : "within \(d(-harmonics)) dB of") the lows)",
                    value: harmonics, unit: "dB", expected: "harmonics within 6 dB of the lows", action: "Nothing to do.")
            }
        }
        if let s = a.stereo {
            if s.monoFoldLossLU > monoLossLU {
                add("translation.mono", .problem, .major, "Mono playback (phones, clubs, smart speakers) loses \(d(s.monoFoldLossLU)) LU",
                    value: s.monoFoldLossLU, unit: "LU", expected: "at most \(d(monoLossLU)) LU",
                    action: "Find the out-of-phase or very wide parts in the mix (stereo wideners, Haas delays) and narrow them.")
            } else {
                add("translation.mono", .strength, .info, "Mono playback loses only \(d(s.monoFoldLossLU)) LU",
                    value: s.monoFoldLossLU, unit: "LU", expected: "at most \(d(monoLossLU)) LU", action: "Nothing to do.")
            }
        }
        let lows = a.tonalBalance.regions.filter { $0.name == "sub" || $0.name == "lows" }
        if let car = speakers.first(where: { $0.name == "car" }), let heaviest = lows.max(by: { $0.deviationDB < $1.deviationDB }),
           heaviest.deviationDB > carBoomLowsOverTargetDB {
            add("translation.car-boom", .problem, .minor,
                "Boomy in a car: the \(heaviest.name) sit \(d(heaviest.deviationDB)) dB over the neutral target, and the cabin adds about 5 dB below 90 Hz (\(d(car.lowEndDB)) dB of the energy ends up below 150 Hz)",
                value: heaviest.deviationDB, unit: "dB", expected: "lows at most \(d(carBoomLowsOverTargetDB)) dB over the target",
                action: "Tighten the lows below 100 Hz a little (EQ or the bass in the mix).")
        }
        let turnedDown = platforms.filter { $0.gainDB < -turnedDownDB }
        if !turnedDown.isEmpty {
            let most = turnedDown.min { $0.gainDB < $1.gainDB }!
            add("translation.turned-down", .info, .info,
                "\(turnedDown.map(\.name).joined(separator: ", ")) \(turnedDown.count == 1 ? "turns" : "turn") this down (up to \(d(-most.gainDB)) dB): pushing louder buys nothing there, it only costs dynamics",
                value: most.gainDB, unit: "dB", expected: "near the platforms' reference levels", action: "Consider a quieter, more dynamic master.")
        }
        for c in codecs {
            let key = "translation.codec." + c.codec.lowercased().replacingOccurrences(of: " ", with: "-")
            if c.overs {
                add(key, .problem, .major,
                    "After \(c.codec) encoding the peaks reach \(NumberText.decimal(c.truePeakDBTP, digits: 2)) dBTP (\(c.clippedSamples) clipped samples)",
                    value: c.truePeakDBTP, unit: "dBTP", expected: "under \(d(codecOverDBTP)) dBTP after decoding",
                    action: "Lower the ceiling to \(d(c.suggestedCeilingDBTP ?? -1.5)) dBTP and re-render (--ceiling \(String(format: "%.1f", c.suggestedCeilingDBTP ?? -1.5))).")
            } else {
                add(key, .strength, .info,
                    "Survives \(c.codec) encoding: \(NumberText.decimal(c.truePeakDBTP, digits: 2)) dBTP after decoding",
                    value: c.truePeakDBTP, unit: "dBTP", expected: "under \(d(codecOverDBTP)) dBTP after decoding", action: "Nothing to do.")
            }
        }
        return items
    }
}
