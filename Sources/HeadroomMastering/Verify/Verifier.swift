import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP

/// Compares the master with the mix: measures both the same way, checks the target and the ceiling
/// (4x and 8x), and marks every checklist item fixed, kept, still open (with the reason) or noted.
public enum Verifier {
    /// Loudness must land within this of the target.
    public static let loudnessToleranceLU = 0.1

    /// "a spotify target of −14.0 LUFS"; a target named in several words (a preset matched to a reference)
    /// reads "the target of −19.5 LUFS (spotify matched to the reference)".
    static func targetPhrase(_ t: LoudnessTarget) -> String {
        let level = "\(f1(t.integratedLUFS)) LUFS"
        if t.name.contains(" ") { return "the target of \(level) (\(t.name))" }
        return "\("aeiou".contains(t.name.prefix(1).lowercased()) ? "an" : "a") \(t.name) target of \(level)"
    }

    /// `masterMatchProfile`: a streamed master's reference-match profile, measured as it went by (else it is
    /// measured on `master`).
    public static func verify(before: Analysis, after: Analysis, master: AudioBuffer, checklist: Checklist,
                              plan: MasteringPlan, render: RenderResult,
                              masterLoudness: LoudnessMeter? = nil, masterMatchProfile: ReferenceProfile? = nil) -> (Checklist, MasterReport) {
        let tp8 = render.truePeak8xDBTP
        var report = MasterReport(
            target: plan.target, before: metrics(before, sectionLUFS: before.sections.map(\.integratedLUFS)),
            after: metrics(after, sectionLUFS: sectionLoudness(masterLoudness ?? Renderer.meter(master), sections: before.sections)),
            truePeak8xDBTP: tp8,
            targetHit: abs(after.loudness.integratedLUFS - plan.target.integratedLUFS) <= loudnessToleranceLU,
            ceilingHeld: after.levels.truePeakDBTP <= plan.target.ceilingDBTP + 1e-6 && tp8 <= plan.target.ceilingDBTP + 1e-6,
            inputGainDB: render.plan.limiter.inputGainDB, limitingLU: render.limitingLU, guardLimited: render.guardLimited,
            compressorReductionDB: render.compressorReductionDB, limiterPasses: render.passes,
            sectionStartsSeconds: before.sections.map(\.startSeconds))
        if plan.transient?.enabled == true { report.transientShapedDB = (render.transient.meanShapedDB * 100).rounded() / 100 }
        report.softClipLU = render.softClipLossLU.map { ($0 * 100).rounded() / 100 }
        report.loudnessRangeByStage = [MasterReport.StageRange(.mix, before.loudness.loudnessRangeLU)]
            + (render.loudnessRangeAfterSectionGainLU.map { [MasterReport.StageRange(.sectionGain, $0)] } ?? [])
            + (render.transient.rangeAfterCompressorLU.map { [MasterReport.StageRange(.chain, $0), MasterReport.StageRange(.transient, render.loudnessRangePreLimiterLU)] }
                ?? [MasterReport.StageRange(.chain, render.loudnessRangePreLimiterLU)])
            + (shapeOn(plan) ? [MasterReport.StageRange(.limiter, render.loudnessRangeLimitedLU), MasterReport.StageRange(.shape, after.loudness.loudnessRangeLU)]
                             : [MasterReport.StageRange(.limiter, after.loudness.loudnessRangeLU)])
        if let match = plan.match {
            // (A streamed master's profile was measured as it went by.)
            let master = masterMatchProfile ?? ReferenceProfile.measure(master, analysis: after, name: "master", ranges: match.mix.sections)
            report.match = MatchReport(referenceName: match.reference.name, amounts: match.amounts,
                                       before: MatchDistances(match.mix, match.reference),
                                       after: MatchDistances(master, match.reference), master: master)
        }
        var items = checklist.items.map { judge($0, before: before, after: after, report: report, plan: plan) }
        var next = (items.map(\.id).max() ?? 0) + 1
        func add(_ key: String, _ kind: ChecklistItem.Kind, _ severity: ChecklistItem.Severity, _ title: String,
                 value: Double, unit: String, expected: String, action: String, status: ChecklistItem.Status) {
            items.append(ChecklistItem(id: next, key: key, kind: kind, severity: severity, title: title, timeRanges: [],
                                       measuredValue: (value * 100).rounded() / 100, unit: unit, expected: expected,
                                       action: action, status: status, note: nil))
            next += 1
        }
        let t = plan.target
        add("master.loudness", report.targetHit ? .strength : .problem, report.targetHit ? .info : .major,
            "Master at \(f2(after.loudness.integratedLUFS)) LUFS for " + Self.targetPhrase(t),
            value: after.loudness.integratedLUFS, unit: "LUFS", expected: "within ±0.1 LU of \(f1(t.integratedLUFS))",
            action: report.targetHit ? "Nothing to do." : (render.guardLimited
                ? "The limiting guard stopped at \(f1(plan.maxLimitingLU)) LU of limiting on the loudest section: reaching \(f1(t.integratedLUFS)) LUFS would crush it. Accept the quieter master, raise --max-limiting, or choose a quieter target."
                : "Re-render; report this if it persists."),
            status: report.targetHit ? .fixed : .stillOpen)
        add("master.ceiling", report.ceilingHeld ? .strength : .problem, report.ceilingHeld ? .info : .critical,
            "True peak \(f2(tp8)) dBTP at 8x (so no higher at 4x), ceiling \(f1(t.ceilingDBTP)) dBTP",
            value: max(after.levels.truePeakDBTP, tp8), unit: "dBTP", expected: "at or below \(f1(t.ceilingDBTP)) dBTP at 4x and 8x",
            action: report.ceilingHeld ? "Nothing to do." : "Lower the ceiling by 0.2 dB and re-render.",
            status: report.ceilingHeld ? .fixed : .stillOpen)
        if let shape = shapeVerdict(before: before, report: report, plan: plan) {
            add("master.shape", shape.kept ? .strength : .problem, shape.kept ? .info : .major, shape.title,
                value: shape.worstLU, unit: "LU", expected: "the loudest section stays the loudest (within \(f1(loudestKeptLU)) LU); distances as even-out asks (within \(f1(shapeToleranceLU)) LU)",
                action: shape.action, status: shape.kept ? .kept : .stillOpen)
        }
        if let m = report.match {
            // One item per matched aspect: closer to the reference (or already there) is fixed.
            func aspect(_ key: String, _ name: String, _ unit: String, before: Double, after: Double, amount: Double, close: Double) {
                let better = after <= before + 0.05 || after <= close
                add(key, better ? .strength : .problem, better ? .info : .minor,
                    "\(name) vs \(m.referenceName): \(f1(before)) → \(f1(after)) \(unit)",
                    value: after, unit: unit, expected: amount == 0 ? "left alone (amount 0)" : "closer to the reference (\(Int((amount * 100).rounded())) % matched)",
                    action: better ? "Nothing to do." : "Further from the reference than before: lower this aspect's --match amount and re-render.",
                    status: better ? .fixed : .stillOpen)
            }
            aspect("match.tone", "Tonal distance", "dB", before: m.before.tonalDB, after: m.after.tonalDB, amount: m.amounts.eq, close: 1)
            if let b = m.before.widthDB, let a = m.after.widthDB {
                aspect("match.width", "Width distance", "dB", before: b, after: a, amount: m.amounts.width, close: 1)
                if plan.stereoLows.enabled, a > b + 0.05, let i = items.indices.last {
                    // Mono-safe lows come first: say so instead of blaming the amount.
                    items[i].status = .noted
                    items[i].action = "The lows were made mono for mono safety (stereo-lows), which the reference's wider lows do not share: a deliberate difference."
                }
            }
            aspect("match.loudness", "Loudness distance", "LU", before: m.before.loudnessLU, after: m.after.loudnessLU,
                   amount: m.amounts.loudness, close: 0.5)
            aspect("match.density", "Loud-part PLR distance", "dB", before: m.before.densityDB, after: m.after.densityDB,
                   amount: m.amounts.dynamics, close: 1)
        }
        return (Checklist(items: items), report)
    }

    /// Integrated loudness of `audio` over each section's time range (the mix's boundaries).
    public static func sectionLoudness(_ audio: AudioBuffer, sections: [Analysis.Section]) -> [Double] {
        sectionLoudness(Renderer.meter(audio), sections: sections)
    }

    /// Each section's integrated loudness from a meter's 100 ms energies.
    public static func sectionLoudness(_ meter: LoudnessMeter, sections: [Analysis.Section]) -> [Double] {
        let step = meter.subBlockSeconds
        return sections.map { s in
            let a = Int((s.startSeconds / step).rounded()), b = min(meter.subBlockCount, Int((s.endSeconds / step).rounded()))
            let l = meter.integratedLUFS(subBlocks: min(a, b)..<b)
            return l.isFinite ? l : Decibels.floorDB
        }
    }

    static func metrics(_ a: Analysis, sectionLUFS: [Double]) -> MasterReport.Metrics {
        let regions = a.tonalBalance.regions
        return MasterReport.Metrics(
            integratedLUFS: a.loudness.integratedLUFS, truePeakDBTP: a.levels.truePeakDBTP,
            loudnessRangeLU: a.loudness.loudnessRangeLU, plrDB: a.levels.plrDB, crestFactorDB: a.levels.crestFactorDB,
            dynamicRangeDR: a.levels.dynamicRangeDR,
            sectionLUFS: sectionLUFS,
            tonalRegions: regions,
            meanTonalDeviationDB: regions.isEmpty ? 0 : regions.reduce(0) { $0 + abs($1.deviationDB) } / Double(regions.count))
    }

    /// The verdict on one item.
    /// The most loudness range a master may lose and still keep "healthy dynamics".
    static let keptLoudnessRangeLossLU = 3.0

    static func judge(_ item: ChecklistItem, before: Analysis, after: Analysis, report: MasterReport, plan: MasteringPlan) -> ChecklistItem {
        var item = item
        let rules = ChecklistRules.evaluate(after)
        func still(_ reason: String) { item.status = .stillOpen; item.action = reason }
        switch item.key {
        case "clipping":
            still("Clipping is baked into the mix; the master stays under the ceiling, but the distortion remains: re-print the mix.")
        case "headroom.none", "headroom.tight", "headroom.low-print", "headroom.healthy":
            item.status = item.kind == .strength ? .kept : .noted
        case "transients.spiky", "transients.squashed":
            let crest = after.sections.isEmpty ? after.levels.crestFactorDB : after.loudestSection.crestFactorDB
            if rules.item(key: item.key) == nil {
                item.status = .fixed
                item.title += " → master \(f1(crest)) dB"
            } else if let t = plan.transient, t.enabled {
                still("Still \(f1(crest)) dB crest on the master's loudest section: the shaper's \(signed(t.attackDB)) dB did not take it all; a larger attack setting in the session (plan.transient.attackDB) takes more.")
            } else {
                item.status = .noted
                item.action = "The target did not need the shaper (see the plan): master crest \(f1(crest)) dB on the loudest section."
            }
        case "overs.intersample":
            if report.ceilingHeld { item.status = .fixed } else { still("The master still has overs.") }
        case "dynamics.bus-limiter", "phase.inverted", "phase.trouble", "stereo.balance", "silence.start", "silence.end":
            still("A mix problem mastering does not change: \(item.action)")
        case "stereo.mono-file", "stereo.near-mono", "loudness.summary", "sections.loudest":
            item.status = .noted
        case "dynamics.healthy":
            // Kept only when the master is not what the checklist itself calls limited (PLR and LRA both low)
            // and the loudness range lost is small; otherwise the verdict names the cause.
            let plr = after.levels.plrDB, lra = after.loudness.loudnessRangeLU, lraBefore = before.loudness.loudnessRangeLU
            let limited = plr < ChecklistThresholds.limitedPLRDB && lra < ChecklistThresholds.flatLoudnessRangeLU
            let change = "PLR \(f1(before.levels.plrDB)) → \(f1(plr)) dB, LRA \(f1(lraBefore)) → \(f1(lra)) LU"
            let taken = report.loudnessRangeTakenText.isEmpty ? change : "\(change); LRA taken by \(report.loudnessRangeTakenText)"
            // The stage that took the most loudness range is named as the cause.
            // With the shape stage, what it gave back is section gain's levelling undone: net them.
            let most = report.loudnessRangeTakenNet.max { $0.takenLU < $1.takenLU }?.stage
            if !limited && lraBefore - lra <= keptLoudnessRangeLossLU {
                item.status = .kept
                item.title += " → master PLR \(f1(plr)) dB, LRA \(f1(lra)) LU"
            } else if limited {
                let shape = most == .sectionGain ? " and a lower --even-out keeps the song's shape" : ""
                still("The target's loudness made the master what the checklist calls a limited mix (\(taken)): a lower target keeps the dynamics\(shape).")
            } else if most == .sectionGain {
                still("Section gain (even-out \(fmt(plan.evenOut, digits: 2))) brought the quieter sections towards the loudest (\(taken)); a lower --even-out keeps more of the song's shape (0 keeps it).")
            } else if most == .chain {
                still("The compressor evened the song out (\(taken)); a gentler ratio in the session, or a lower target, keeps more of it.")
            } else {
                still("The limiter evened the song out (\(taken)); a lower target keeps more of it.")
            }
        case "stereo.mono-safe":
            guard let stereo = after.stereo else { item.status = .noted; break }
            let lost = ChecklistRules.monoSafetyMisses(stereo)
            if lost.isEmpty {
                item.status = .kept
                item.title += " → master \(f1(stereo.monoFoldLossLU)) LU"
            } else {
                still("Lost in mastering: \(lost.joined(separator: "; ")). Compare before/after in mono (the studio's mono preview, or headroom check).")
            }
        case "tone.balanced":
            // Kept exactly when the rule still finds it; the regions outside its range say why not.
            let outside = after.tonalBalance.regions.filter { $0.name != "sub" && abs($0.deviationDB) > ChecklistThresholds.tonalBalancedDB }
            if rules.item(key: item.key) != nil { item.status = .kept } else {
                still("Lost in mastering: \(outside.map { "\($0.name) \(f1($0.deviationDB)) dB" }.joined(separator: ", ")) from the neutral target now; check the EQ moves in the plan.")
            }
        case "sections.jump":
            // The jump at the same boundary in the master.
            let t = (item.timeRanges.first?.startSeconds ?? 0) + 2
            let jump = sectionJump(report, at: t), was = item.measuredValue
            if was * jump < 0 && abs(jump) > loudestKeptLU {
                still("Inverted: \(f1(jump)) LU in the master, the quieter side is now the louder; lower --even-out or the section's gain in the session.")
            } else if abs(jump) <= ChecklistThresholds.sectionJumpLU && abs(jump) <= abs(was) {
                item.status = .fixed; item.title += " → \(f1(jump)) LU in the master"
            } else {
                still("Still \(f1(jump)) LU in the master; raise --even-out to level the sections more.")
            }
        default:
            let present = rules.item(key: item.key) != nil
            if item.kind == .strength {
                item.status = present ? .kept : .stillOpen
                if !present { item.action = "Lost in mastering: compare before/after." }
            } else if item.key.hasPrefix("tone.") && item.key != "tone.sub" && report.match != nil {
                item.status = .noted
                item.action = "Judged against the reference instead of the neutral target: see the tonal distance item."
            } else if item.key.hasPrefix("tone.") {
                let region = before.tonalBalance.regions.first { ChecklistRules.toneKey(region: $0.name, excess: $0.deviationDB > 0) == item.key }
                let afterRegion = after.tonalBalance.regions.first { $0.name == region?.name }
                let change = "\(region.map { f1($0.deviationDB) } ?? "?") → \(afterRegion.map { f1($0.deviationDB) } ?? "?") dB"
                if present {
                    let excess = (region?.deviationDB ?? 0) > 0
                    let improved = abs(afterRegion?.deviationDB ?? 0) < abs(region?.deviationDB ?? 0) - 0.1
                    let edit = excess ? "deepen the band's cut" : "raise the band's boost"
                    still("\(improved ? "Improved but still" : "Still") outside the range (\(change)); the EQ moves at most \(f1(Planner.maxEQGainDB)) dB, so fix the rest in the mix or \(edit) in the session (plan.eq.bands).")
                } else { item.status = .fixed; item.title += " → \(change)" }
            } else {
                if present { still("Still present in the master.") } else { item.status = .fixed }
            }
        }
        return item
    }

    /// The loudest section may end up this much under another and still count as the loudest.
    static let loudestKeptLU = 0.5
    /// A section's distance to the loudest may miss what even-out asked for by this much.
    static let shapeToleranceLU = 1.0

    /// Whether the master keeps the song's shape: the mix's loudest section is still the loudest, and every
    /// section sits as far under it as section gain asked (`evenOut` of the distance taken, at most the
    /// largest section gain), measured on the master with the mix's boundaries. Nil for one section.
    static func shapeVerdict(before: Analysis, report: MasterReport, plan: MasteringPlan) -> (kept: Bool, title: String, action: String, worstLU: Double)? {
        let b = report.before.sectionLUFS, a = report.after.sectionLUFS
        let loud = before.loudestSectionIndex
        guard b.count > 1, a.count == b.count, b.indices.contains(loud) else { return nil }
        let starts = report.sectionStartsSeconds
        func name(_ i: Int) -> String { "section \(i + 1) (\(timeText(i < starts.count ? starts[i] : 0)))" }
        let shape = shapeOn(plan) ? plan.shape : nil
        let evenOut = plan.sectionGain.enabled || shape != nil ? plan.evenOut : 0
        var worst: (index: Int, expected: Double, got: Double)?
        for i in b.indices where i != loud && b[i] > -70 {
            let distance = b[loud] - b[i]
            let expected = shape.flatMap { $0.sections.indices.contains(i) ? $0.sections[i].wantedDistanceLU : nil }
                ?? max(distance - Planner.maxSectionGainDB, distance * (1 - evenOut))
            let got = a[loud] - a[i]
            if abs(got - expected) > abs((worst?.got ?? 0) - (worst?.expected ?? 0)) { worst = (i, expected, got) }
        }
        let louder = a.indices.filter { $0 != loud && a[$0] > a[loud] + loudestKeptLU }.max { a[$0] < a[$1] }
        let off = worst.map { abs($0.got - $0.expected) } ?? 0
        if let k = louder {
            return (false, "Song shape changed: \(name(k)) is now \(f1(a[k] - a[loud])) LU louder than the loudest section, \(name(loud))",
                    "Lower --even-out, or that section's gain in the session (plan.sectionGain.segments).", a[k] - a[loud])
        }
        guard let w = worst, off > shapeToleranceLU else {
            return (true, evenOut == 0
                        ? "Song shape kept: \(name(loud)) is still the loudest, every other section as far under it as in the mix (within \(f1(off)) LU)"
                        : "Song shape kept: \(name(loud)) is still the loudest, the other sections within \(f1(off)) LU of what even-out \(fmt(evenOut, digits: 2)) asked",
                    "Nothing to do.", off)
        }
        let share = shape?.shareRestored ?? 1
        let cause = share < 0.995 && w.got < w.expected
            ? "To reach \(f1(plan.target.integratedLUFS)) LUFS within \(f1(plan.maxLimitingLU)) LU of limiting, only \(Int((share * 100).rounded())) % of the song's shape could be put back: a lower target or a higher --max-limiting keeps more of it."
            : shape != nil && w.got > w.expected
            ? "The chain left it further under the loudest than asked, and the shape stage only lowers sections: raise that section's gain in the session (plan.sectionGain.segments)."
            : shape != nil
            ? "The shape stage lowers a section by at most \(f1(ShapeSettings.maxCutDB)) dB: the chain evened the song further than that; a gentler compressor or a lower target keeps more of the shape."
            : plan.compressor.enabled && w.got < w.expected
            ? "The compressor evened the song further than asked, and the shape stage is off: --keep-shape (the default) puts the sections back after the chain; or a gentler ratio or a higher threshold (Chain settings, or the session)."
            : w.got < w.expected ? "The limiter evened it further than asked, and the shape stage is off: --keep-shape (the default) puts the sections back after the limiter; or a lower target."
            : "Section gain left it further apart than asked: raise --even-out."
        return (false, "Song shape changed: \(name(w.index)) sits \(f1(w.got)) LU under the loudest where even-out \(fmt(evenOut, digits: 2)) asked for \(f1(w.expected)) LU",
                cause, w.got - w.expected)
    }

    /// Whether the plan puts the song's shape back after the limiter.
    static func shapeOn(_ plan: MasteringPlan) -> Bool { plan.shape.map { $0.enabled && $0.sections.count > 1 } ?? false }

    static func sectionJump(_ report: MasterReport, at t: Double) -> Double {
        guard let i = report.sectionStartsSeconds.firstIndex(where: { abs($0 - t) < 0.6 }), i > 0 else { return 0 }
        return report.after.sectionLUFS[i] - report.after.sectionLUFS[i - 1]
    }
}

func f1(_ x: Double) -> String { fmt(x) }
func f2(_ x: Double) -> String { fmt(x, digits: 2) }
