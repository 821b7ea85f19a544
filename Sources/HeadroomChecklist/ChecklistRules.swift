import Foundation
import HeadroomAnalysis
import HeadroomDSP

/// Judges an `Analysis` and writes the checklist. Pure: the same analysis always gives the same list.
public enum ChecklistRules {
    typealias T = ChecklistThresholds

    /// The checklist for `analysis`, most severe first, then by time.
    public static func evaluate(_ analysis: Analysis) -> Checklist {
        var d = Drafts()
        let levels = analysis.levels
        let song = [TimeRange(startSeconds: 0, endSeconds: analysis.durationSeconds)]

        // Headroom and clipping.
        if levels.clippedRunCount > 0 {
            let ranges = mergedRanges(levels.clippedRuns.map { $0.startSeconds })
            d.add("clipping", .problem, .critical,
                "Clipping in the mix: \(levels.clippedRunCount) run(s) of 3+ samples at full scale",
                at: ranges, value: Double(levels.clippedSampleCount), unit: "samples",
                expected: "no clipped samples in a premaster",
                action: "Re-print the mix with the master fader down (peaks at −6 to −3 dBFS) and no clipper on the mix bus; mastering cannot undo clipping.")
        }
        if levels.truePeakDBTP > T.noHeadroomDBTP {
            d.add("headroom.none", .problem, .major, "No headroom: true peak at \(fmt(levels.truePeakDBTP)) dBTP",
                value: levels.truePeakDBTP, unit: "dBTP", expected: "peaks at −6 to −3 dBTP in a premaster",
                action: "Re-print the mix about \(fmt(levels.truePeakDBTP + 6)) dB lower (the limiter will bring the level back).")
        } else if levels.truePeakDBTP > T.tightHeadroomDBTP {
            d.add("headroom.tight", .problem, .minor, "Tight headroom: true peak at \(fmt(levels.truePeakDBTP)) dBTP",
                value: levels.truePeakDBTP, unit: "dBTP", expected: "peaks at −6 to −3 dBTP",
                action: "Fine to master; a re-print 3 dB lower leaves room for EQ boosts.")
        } else if levels.truePeakDBTP < T.veryLowPeakDBTP {
            d.add("headroom.low-print", .problem, .minor, "Printed very low: true peak at \(fmt(levels.truePeakDBTP)) dBTP",
                value: levels.truePeakDBTP, unit: "dBTP", expected: "peaks at −6 to −3 dBTP",
                action: "Print at 24-bit or float (or louder) so the quiet parts stay above the noise floor.")
        } else {
            d.add("headroom.healthy", .strength, .info, "Healthy headroom: \(fmt(levels.headroomDB)) dB below 0 dBTP",
                value: levels.truePeakDBTP, unit: "dBTP", expected: "peaks at −6 to −3 dBTP",
                action: "Keep printing mixes this way.")
        }
        if levels.intersampleOverCount > 0 {
            d.add("overs.intersample", .problem, .major,
                "Inter-sample overs: the waveform between samples exceeds 0 dBFS at \(levels.intersampleOverCount) point(s)",
                at: levels.intersampleOverRanges, value: levels.truePeakDBTP, unit: "dBTP",
                expected: "true peak below 0 dBTP (below −1 dBTP for streaming)",
                action: "Re-print lower; converters and lossy encoders will clip these peaks.")
        }

        // Dynamics.
        let plr = levels.plrDB, lra = analysis.loudness.loudnessRangeLU
        if plr < T.limitedPLRDB && lra < T.flatLoudnessRangeLU {
            d.add("dynamics.bus-limiter", .problem, .major,
                "Mix looks limited on the mix bus: PLR \(fmt(plr)) dB, loudness range \(fmt(lra)) LU",
                value: plr, unit: "dB PLR", expected: "PLR of 12–20 dB and some loudness movement in a premaster",
                action: "Bypass the limiter (or heavy compressor) on the mix bus and re-print; mastering does the final limiting once.")
        } else if plr >= T.healthyPLRDB && levels.dynamicRangeDR >= T.healthyDR {
            d.add("dynamics.healthy", .strength, .info,
                "Healthy dynamics: PLR \(fmt(plr)) dB, DR\(levels.dynamicRangeDR), loudness range \(fmt(lra)) LU",
                value: plr, unit: "dB PLR", expected: "PLR ≥ 12 dB, DR ≥ 10",
                action: "Keep them: limit only as much as the loudness target needs.")
        }

        // Transients, on the loudest section (where the chain is set up).
        if analysis.sections.indices.contains(analysis.loudestSectionIndex) {
            let loudest = analysis.loudestSection
            let crest = loudest.crestFactorDB
            if crest >= T.spikyCrestDB {
                d.add("transients.spiky", .problem, .minor,
                    "Spiky transients on the loudest section: peaks \(fmt(crest)) dB over its body",
                    at: [loudest.range], value: crest, unit: "dB crest", expected: "a crest of \(fmt(T.squashedCrestDB, digits: 0))–\(fmt(T.spikyCrestDB, digits: 0)) dB on the loudest section",
                    action: "A loud master limits these hits hard; the transient shaper softens them first when the target needs the peaks controlled.")
            } else if crest < T.squashedCrestDB {
                d.add("transients.squashed", .problem, .minor,
                    "Squashed transients on the loudest section: peaks only \(fmt(crest)) dB over its body",
                    at: [loudest.range], value: crest, unit: "dB crest", expected: "a crest of \(fmt(T.squashedCrestDB, digits: 0))–\(fmt(T.spikyCrestDB, digits: 0)) dB on the loudest section",
                    action: "Ease the mix-bus compression or clipping; the transient shaper brings some attack back where the target leaves room.")
            }
        }

        // DC offset.
        for channel in levels.channels {
            let dc = abs(channel.dcOffsetPercent)
            if dc >= T.dcOffsetPercent {
                d.add("dc.\(channel.name)", .problem, dc >= T.severeDCOffsetPercent ? .major : .minor,
                    "DC offset in the \(channel.name) channel: \(fmt(channel.dcOffsetPercent, digits: 2)) % of full scale",
                    value: channel.dcOffsetPercent, unit: "%", expected: "below 0.1 %",
                    action: "Removed in mastering by a DC filter; check the plug-in or converter that adds it.")
            }
        }

        if let stereo = analysis.stereo { stereoItems(stereo, into: &d) } else {
            d.add("stereo.mono-file", .info, .info, "Mono file: it will be mastered as mono",
                value: 1, unit: "channels", expected: "a stereo print, unless mono is intended",
                action: "If the song is meant to be stereo, print a stereo mix.")
        }
        toneItems(analysis.tonalBalance, song: song, into: &d)
        sectionItems(analysis, into: &d)

        // Silence.
        if analysis.silence.leadingSeconds > T.leadingSilenceSeconds {
            d.add("silence.start", .problem, .minor, "\(fmt(analysis.silence.leadingSeconds)) s of silence at the start",
                at: [TimeRange(startSeconds: 0, endSeconds: analysis.silence.leadingSeconds)],
                value: analysis.silence.leadingSeconds, unit: "s", expected: "under 1.5 s",
                action: "Trim the start (keep a few hundred milliseconds before the first note).")
        }
        if analysis.silence.trailingSeconds > T.trailingSilenceSeconds {
            d.add("silence.end", .problem, .minor, "\(fmt(analysis.silence.trailingSeconds)) s of silence at the end",
                at: [TimeRange(startSeconds: analysis.durationSeconds - analysis.silence.trailingSeconds,
                               endSeconds: analysis.durationSeconds)],
                value: analysis.silence.trailingSeconds, unit: "s", expected: "under 4 s after the last sound",
                action: "Trim the end after the tail has faded.")
        }

        let loudness = analysis.loudness
        d.add("loudness.summary", .info, .info,
            "Integrated \(fmt(loudness.integratedLUFS)) LUFS, loudness range \(fmt(lra)) LU, max short-term \(fmt(loudness.maxShortTermLUFS)) LUFS",
            value: loudness.integratedLUFS, unit: "LUFS", expected: "mastering sets the final loudness per platform",
            action: "Nothing to do in the mix.")

        let ordered = d.items.enumerated().sorted { a, b in
            if a.element.severity != b.element.severity { return a.element.severity < b.element.severity }
            if a.element.kind != b.element.kind { return kindRank(a.element.kind) < kindRank(b.element.kind) }
            return a.offset < b.offset
        }.map(\.element)
        return Checklist(items: ordered.enumerated().map { i, item in
            var item = item
            item.id = i + 1
            return item
        })
    }

    static func kindRank(_ k: ChecklistItem.Kind) -> Int { k == .problem ? 0 : (k == .strength ? 1 : 2) }
}

/// Items being written, before they are ordered and numbered.
struct Drafts {
    var items: [ChecklistItem] = []

    mutating func add(_ key: String, _ kind: ChecklistItem.Kind, _ severity: ChecklistItem.Severity, _ title: String,
                      at ranges: [TimeRange] = [], value: Double, unit: String, expected: String, action: String) {
        items.append(ChecklistItem(id: 0, key: key, kind: kind, severity: severity, title: title,
                                   timeRanges: ranges, measuredValue: (value * 100).rounded() / 100, unit: unit,
                                   expected: expected, action: action,
                                   status: kind == .info ? .noted : .open, note: nil))
    }
}

/// Shorthand for `NumberText.decimal`.
func fmt(_ x: Double, digits: Int = 1) -> String { NumberText.decimal(x, digits: digits) }

/// Times within 2 s of each other become one range.
func mergedRanges(_ times: [Double]) -> [TimeRange] {
    var out: [TimeRange] = []
    for t in times.sorted() {
        if let last = out.last, t - last.endSeconds <= 2 { out[out.count - 1].endSeconds = t }
        else { out.append(TimeRange(startSeconds: t, endSeconds: t)) }
    }
    return out
}
