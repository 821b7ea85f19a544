import Foundation
import HeadroomAnalysis

extension ChecklistRules {
    /// What a region sounds like when it stands out (+) or is missing (−).
    static let toneWords: [String: (excess: String, lack: String)] = [
        "sub": ("rumbling sub", "no sub"),
        "lows": ("boomy", "thin"),
        "low mids": ("muddy", "hollow"),
        "mids": ("honky / nasal", "scooped"),
        "presence": ("harsh", "distant"),
        "air": ("sizzly", "dull"),
    ]

    /// The checklist key for a tonal region that stands out (`excess`) or is missing.
    public static func toneKey(region: String, excess: Bool) -> String? {
        guard let words = toneWords[region] else { return nil }
        return "tone.\((excess ? words.excess : words.lack).split(separator: " ").last!)"
    }

    static func toneItems(_ tone: Analysis.TonalBalance, song: [TimeRange], into d: inout Drafts) {
        var flagged = false
        for region in tone.regions {
            guard let words = toneWords[region.name] else { continue }
            let band = "\(NumberText.hz(region.lowHz))–\(NumberText.hz(region.highHz))"
            if region.deviationDB > T.tonalExcessDB {
                flagged = true
                d.add(toneKey(region: region.name, excess: true)!, .problem, region.deviationDB > 5 ? .major : .minor,
                      "\(words.excess.capitalizedFirst): \(region.name) \(fmt(region.deviationDB)) dB over the neutral target at \(band)",
                      at: song, value: region.deviationDB, unit: "dB", expected: "within ±3 dB of the target",
                      action: "A gentle, wide cut of about \(fmt(min(3, region.deviationDB * 0.6))) dB around \(NumberText.hz(centre(region))) in mastering; if one instrument causes it, fix it in the mix.")
            } else if region.deviationDB < T.tonalLackDB && region.name != "sub" {
                flagged = true
                d.add(toneKey(region: region.name, excess: false)!, .problem, region.deviationDB < -6 ? .major : .minor,
                      "\(words.lack.capitalizedFirst): \(region.name) \(fmt(region.deviationDB)) dB under the neutral target at \(band)",
                      at: song, value: region.deviationDB, unit: "dB", expected: "within −4 dB of the target",
                      action: "A gentle, wide boost of about \(fmt(min(3, -region.deviationDB * 0.6))) dB around \(NumberText.hz(centre(region))) in mastering.")
            }
        }
        let worst = tone.regions.filter { $0.name != "sub" }.map { abs($0.deviationDB) }.max() ?? 0
        if !flagged && worst <= T.tonalBalancedDB {
            d.add("tone.balanced", .strength, .info,
                  "Balanced spectrum: every region within \(fmt(worst)) dB of the neutral target",
                  at: song, value: worst, unit: "dB", expected: "within ±2 dB",
                  action: "Keep the EQ in mastering minimal.")
        }
    }

    static func centre(_ r: Analysis.Region) -> Double { (r.lowHz * r.highHz).squareRoot() }

    static func sectionItems(_ a: Analysis, into d: inout Drafts) {
        let loudest = a.loudestSection
        d.add("sections.loudest", .info, .info,
              "Loudest section \(timeText(loudest.range)) at \(fmt(loudest.integratedLUFS)) LUFS: the chain is set up here",
              at: [loudest.range], value: loudest.integratedLUFS, unit: "LUFS",
              expected: "\(a.sections.count) section(s) found", action: "Nothing to do: mastering sets the chain up on this section.")
        for i in a.sections.indices.dropFirst() {
            let jump = a.sections[i].integratedLUFS - a.sections[i - 1].integratedLUFS
            guard abs(jump) > T.sectionJumpLU else { continue }
            let t = a.sections[i].startSeconds
            d.add("sections.jump", .problem, .minor,
                  "Level jump of \(fmt(jump)) LU between sections at \(timeText(t))",
                  at: [TimeRange(startSeconds: max(0, t - 2), endSeconds: t + 2)], value: jump, unit: "LU",
                  expected: "steps under 6 LU between neighbouring sections, unless intended",
                  action: "If it is not intended, section gain in mastering can bring the sections closer.")
        }
    }
}

/// "1:23" or "1:23–1:45".
public func timeText(_ seconds: Double) -> String {
    let s = Int(max(0, seconds).rounded(.down))
    return String(format: "%d:%02d", s / 60, s % 60)
}

public func timeText(_ r: TimeRange) -> String {
    r.durationSeconds < 1 ? timeText(r.startSeconds) : "\(timeText(r.startSeconds))–\(timeText(r.endSeconds))"
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
