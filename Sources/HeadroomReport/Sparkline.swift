/// Small text plots for terminal reports.
public enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per bucket of `values` (mean per bucket), scaled between `floor` and `ceiling`.
    public static func render(_ values: [Double], width: Int, floor: Double, ceiling: Double) -> String {
        guard !values.isEmpty, width > 0 else { return "" }
        let buckets = min(width, values.count)
        var out = ""
        for b in 0..<buckets {
            let lo = b * values.count / buckets, hi = max(lo + 1, (b + 1) * values.count / buckets)
            let mean = values[lo..<hi].reduce(0, +) / Double(hi - lo)
            let t = (mean - floor) / max(1e-9, ceiling - floor)
            let i = Int((max(0, min(1, t)) * Double(levels.count - 1)).rounded())
            out.append(levels[i])
        }
        return out
    }

    /// A horizontal bar centred on zero: `-----|` for negatives, `|+++` for positives, `scale` dB per char.
    public static func centredBar(_ value: Double, halfWidth: Int, scale: Double) -> String {
        let n = min(halfWidth, Int((abs(value) / scale).rounded()))
        let left = value < 0 ? String(repeating: " ", count: halfWidth - n) + String(repeating: "━", count: n)
                             : String(repeating: " ", count: halfWidth)
        let right = value > 0 ? String(repeating: "━", count: n) + String(repeating: " ", count: halfWidth - n)
                              : String(repeating: " ", count: halfWidth)
        return left + "│" + right
    }
}
