import Foundation
import HeadroomAnalysis
import HeadroomChecklist

/// Renders an `AnalysisReport` as Markdown (for notes, issue trackers, sharing with a client).
public enum MarkdownReport {
    public static func render(_ r: AnalysisReport) -> String {
        let a = r.analysis
        var out: [String] = []
        out.append("# Headroom analysis: `\(r.input.path)`")
        out.append("")
        out.append("\(r.input.format), \(khz(a.sampleRateHz)), \(a.isMono ? "mono" : "stereo"), \(timeText(a.durationSeconds))")
        out.append("")
        out.append("## Levels and loudness")
        out.append("")
        out.append("| measure | value |")
        out.append("|---|---|")
        let l = a.loudness, v = a.levels
        let rows: [(String, String)] = [
            ("Integrated loudness", "\(f1(l.integratedLUFS)) LUFS"),
            ("Loudness range", "\(f1(l.loudnessRangeLU)) LU"),
            ("Max momentary / short-term", "\(f1(l.maxMomentaryLUFS)) / \(f1(l.maxShortTermLUFS)) LUFS"),
            ("Sample peak / true peak", "\(f1(v.samplePeakDBFS)) dBFS / \(f1(v.truePeakDBTP)) dBTP"),
            ("Headroom", "\(f1(v.headroomDB)) dB"),
            ("RMS / crest factor", "\(f1(v.rmsDBFS)) dBFS / \(f1(v.crestFactorDB)) dB"),
            ("PLR / PSR", "\(f1(v.plrDB)) / \(f1(v.psrDB)) dB"),
            ("Dynamic range", "DR\(v.dynamicRangeDR)"),
            ("Clipped runs / inter-sample overs", "\(v.clippedRunCount) / \(v.intersampleOverCount)"),
        ] + (a.stereo.map { s in [
            ("Correlation (lowest)", "\(f2(s.correlation)) (\(f2(s.minimumCorrelation)))"),
            ("Side/mid (below \(Int(s.lowEndCrossoverHz)) Hz)", "\(f1(s.sideToMidDB)) dB (\(f1(s.lowEndSideToMidDB)) dB)"),
            ("Balance L−R", "\(f1(s.balanceDB)) dB"),
            ("Mono fold-down", "−\(f1(max(0, s.monoFoldLossLU))) LU"),
        ] } ?? [])
        for (k, value) in rows { out.append("| \(k) | \(value) |") }
        out.append("")
        out.append("## Tonal balance (deviation from the neutral target)")
        out.append("")
        out.append("| region | range | deviation |")
        out.append("|---|---|---|")
        for g in a.tonalBalance.regions {
            out.append("| \(g.name) | \(Int(g.lowHz))–\(Int(g.highHz)) Hz | \(signed(g.deviationDB)) dB |")
        }
        out.append("")
        out.append("## Sections")
        out.append("")
        out.append("| # | time | LUFS | vs loudest | peak dBFS | crest dB | role |")
        out.append("|---|---|---|---|---|---|---|")
        for s in a.sections {
            out.append("| \(s.index + 1) | \(timeText(s.range)) | \(f1(s.integratedLUFS)) | \(signed(s.relativeLoudnessLU)) LU | \(f1(s.samplePeakDBFS)) | \(f1(s.crestFactorDB)) | \(TextReport.roleText(s.role)) |")
        }
        out.append("")
        out.append("## Checklist")
        out.append("")
        for item in r.checklist.items {
            let box = item.kind == .problem ? "- [ ]" : "- [x]"
            let when = item.timeRanges.isEmpty || TextReport.isWholeSong(item.timeRanges, a) ? ""
                : " (" + item.timeRanges.prefix(4).map(timeText).joined(separator: ", ") + ")"
            let tag = item.kind == .problem ? "**\(item.severity.rawValue)**" : "*\(item.kind.rawValue)*"
            out.append("\(box) #\(item.id) \(tag): \(item.title)\(when). Expected \(item.expected). → \(item.action)")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
