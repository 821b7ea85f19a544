import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomMastering

/// Renders a mastering session for the terminal: the plan with its reasons, before/after, the checklist.
public enum MasterTextReport {
    /// The plan, one line per decision; `verbose` adds each decision's reason ("because ...").
    public static func plan(_ plan: MasteringPlan, verbose: Bool = false) -> String {
        var out = ["PLAN — target \(plan.target.name): \(f1(plan.target.integratedLUFS)) LUFS, ceiling \(f1(plan.target.ceilingDBTP)) dBTP; chain set up on the loudest section \(timeText(plan.loudestSection))"]
        for d in plan.decisions {
            let items = d.itemIDs.isEmpty ? "" : "  [" + d.itemIDs.map { "#\($0)" }.joined(separator: ", ") + "]"
            out.append("  " + pad(d.stage, 13) + d.summary + items)
            if verbose { out.append("  " + String(repeating: " ", count: 13) + "  because " + d.reason) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The whole session: header, plan, result and checklist.
    public static func render(_ session: Session, outputPath: String, outputFormat: String) -> String {
        "Headroom master — \(session.input.path) → \(outputPath) (\(outputFormat))\n\n" + plan(session.plan) + "\n"
            + result(session)
    }

    /// Before/after and the checklist with its statuses (empty before rendering).
    public static func result(_ session: Session) -> String {
        guard let r = session.report else { return "" }
        var out: [String] = []
        /// Row names are padded to one width (the longest, "tone presence (dB vs target)", fits).
        let nameWidth = 32
        out.append("RESULT" + pad("", nameWidth - 4) + pad("before", 10, right: true) + pad("after", 10, right: true))
        func row(_ name: String, _ a: Double, _ b: Double, _ note: String = "") {
            out.append("  " + pad(name, nameWidth) + pad(f1(a), 10, right: true) + pad(f1(b), 10, right: true) + (note.isEmpty ? "" : "   " + note))
        }
        let t = r.target
        row("integrated (LUFS)", r.before.integratedLUFS, r.after.integratedLUFS,
            "target \(f1(t.integratedLUFS)) \(r.targetHit ? "✓" : "✗")\(r.guardLimited ? " (limiting guard)" : "")")
        row("true peak (dBTP)", r.before.truePeakDBTP, r.after.truePeakDBTP,
            "ceiling \(f1(t.ceilingDBTP)) \(r.ceilingHeld ? "✓" : "✗") (master at 8x: \(num(r.truePeak8xDBTP, 2)))")
        if let delivered = r.deliveredTruePeakDBTP, let format = r.deliveredFormat {
            out.append("  " + pad("true peak as delivered", nameWidth) + pad("", 10) + pad(num(delivered, 2), 10, right: true)
                       + "   \(format) decoded again \(delivered <= t.ceilingDBTP + 1e-6 ? "✓" : "✗")")
        }
        row("loudness range (LU)", r.before.loudnessRangeLU, r.after.loudnessRangeLU)
        row("PLR (dB)", r.before.plrDB, r.after.plrDB)
        row("crest factor (dB)", r.before.crestFactorDB, r.after.crestFactorDB)
        out.append("  " + pad("DR", nameWidth) + pad("DR\(r.before.dynamicRangeDR)", 10, right: true) + pad("DR\(r.after.dynamicRangeDR)", 10, right: true))
        for (i, start) in r.sectionStartsSeconds.enumerated() where i < r.before.sectionLUFS.count {
            row("section \(i + 1) @\(timeText(start)) (LUFS)", r.before.sectionLUFS[i], r.after.sectionLUFS[i])
        }
        for (b, a) in zip(r.before.tonalRegions, r.after.tonalRegions) {
            row("tone \(b.name) (dB vs target)", b.deviationDB, a.deviationDB)
        }
        row("mean tonal deviation (dB)", r.before.meanTonalDeviationDB, r.after.meanTonalDeviationDB)
        if let m = r.match {
            out.append("")
            out.append("REFERENCE " + m.referenceName + " — distance" + pad("", 2) + pad("before", 10, right: true) + pad("after", 10, right: true) + "   matched")
            row("tone (dB, 1/3-oct mean)", m.before.tonalDB, m.after.tonalDB, "\(Int((m.amounts.eq * 100).rounded())) %")
            if let b = m.before.widthDB, let a = m.after.widthDB {
                row("width (dB, side/mid)", b, a, "\(Int((m.amounts.width * 100).rounded())) %")
            }
            row("loudness (LU)", m.before.loudnessLU, m.after.loudnessLU, "\(Int((m.amounts.loudness * 100).rounded())) %")
            row("loudest 3 s (LU)", m.before.shortTermLU, m.after.shortTermLU, "follows loudness and dynamics")
            row("loud-part PLR (dB)", m.before.densityDB, m.after.densityDB, "\(Int((m.amounts.dynamics * 100).rounded())) %")
        }
        let clipped = r.softClipLU.map { " (the soft clipper rounded the fastest peaks first, for \(f1(max(0, $0))) LU of it, so the limiter took less)" } ?? ""
        let shaped = r.transientShapedDB.map { "; transient shaper \(signed($0)) dB on the hits" } ?? ""
        out.append("  gain into the limiter \(signed(r.inputGainDB)) dB; limiting on the loudest section \(f1(max(0, r.limitingLU))) LU\(clipped); glue compression \(f1(r.compressorReductionDB)) dB on average\(shaped); \(r.limiterPasses) limiter pass(es)")
        if !r.loudnessRangeTakenText.isEmpty { out.append("  loudness range taken by \(r.loudnessRangeTakenText)") }
        out.append("")
        let items = session.checklist.items
        let fixed = items.filter { $0.status == .fixed }.count, kept = items.filter { $0.status == .kept }.count
        let open = items.filter { $0.status == .stillOpen || $0.status == .open }.count
        out.append("CHECKLIST — \(fixed) fixed, \(kept) kept, \(open) still open")
        for item in items {
            let mark: String
            switch item.status {
            case .fixed: mark = "✓ fixed     "
            case .kept: mark = "✓ kept      "
            case .stillOpen, .open: mark = "✗ still open"
            case .noted: mark = "i noted     "
            }
            let when = item.timeRanges.isEmpty || item.timeRanges.count == 1 && item.timeRanges[0].startSeconds == 0 && item.timeRanges[0].durationSeconds > 60 ? ""
                : "  @ " + item.timeRanges.prefix(3).map(timeText).joined(separator: ", ")
            out.append("  \(mark) #\(item.id) \(item.title)\(when)")
            if item.status == .stillOpen || item.status == .open { out.append("                 → \(item.action)") }
            if let note = item.note { out.append("                 note: \(note)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
