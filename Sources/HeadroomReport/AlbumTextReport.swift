import Foundation
import HeadroomChecklist
import HeadroomMastering

/// Renders an album report for the terminal.
public enum AlbumTextReport {
    public static func render(_ r: AlbumReport) -> String {
        var out = ["ALBUM — \(r.rule)", "  tone: \(r.tonalTargetName)", ""]
        out.append("  " + pad("track", 22) + pad("before", 9, right: true) + pad("target", 9, right: true) + pad("after", 9, right: true)
                   + pad("8x TP", 8, right: true) + pad("tone Δ", 14, right: true) + "  rule")
        for t in r.tracks {
            guard t.status == "mastered" else {
                out.append("  " + pad(String(t.name.prefix(21)), 22) + "✗ " + (t.error ?? "failed"))
                continue
            }
            let tone = "\(num(t.tonalDistanceBeforeDB ?? 0, 1)) → \(num(t.tonalDistanceAfterDB ?? 0, 1))"
            out.append("  " + pad(String(t.name.prefix(21)), 22) + pad(num(t.beforeLUFS ?? 0, 1), 9, right: true)
                       + pad(num(t.targetLUFS ?? 0, 1), 9, right: true) + pad(num(t.afterLUFS ?? 0, 2), 9, right: true)
                       + pad(num(t.truePeak8xDBTP ?? 0, 2), 8, right: true) + pad(tone, 14, right: true) + "  " + (t.loudnessReason ?? ""))
        }
        out.append("")
        out.append("  loudness spread \(num(r.loudnessSpreadBeforeLU, 1)) → \(num(r.loudnessSpreadAfterLU, 1)) LU; tonal spread \(num(r.tonalSpreadBeforeDB, 2)) → \(num(r.tonalSpreadAfterDB, 2)) dB (mean per-band standard deviation between tracks)")
        out.append("  \(r.tracks.count) tracks in \(num(r.wallSeconds, 1)) s with \(r.jobs) job\(r.jobs == 1 ? "" : "s")")
        out.append("")
        out.append("ALBUM CHECKLIST")
        for item in r.items {
            let mark = item.status == .stillOpen ? "✗" : "✓"
            out.append("  \(mark) \(item.title)")
            if item.status == .stillOpen { out.append("      → \(item.action)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
