import Foundation

/// How numbers read in titles, plans and reports: fixed decimals, a real minus sign, frequencies in Hz or kHz.
/// One place, so the checklist, the plan and the reports say the same value the same way.
public enum NumberText {
    /// `digits` decimals with a typographic minus: "−3.5".
    public static func decimal(_ x: Double, digits: Int = 1) -> String {
        let text = String(format: "%.\(digits)f", x)
        // A value that rounds to zero prints as zero, never "−0.0".
        if text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
        return text.replacingOccurrences(of: "-", with: "−")
    }

    /// Like `decimal`, with a "+" when the printed value is above zero: "+2.5", "0.0", "−1.0".
    public static func signed(_ x: Double, digits: Int = 1) -> String {
        (x >= 0.5 * pow(10, -Double(digits)) ? "+" : "") + decimal(x, digits: digits)
    }

    /// "250 Hz", "3.2 kHz".
    public static func hz(_ f: Double) -> String {
        f >= 1000 ? "\(decimal(f / 1000)) kHz" : "\(Int(f.rounded())) Hz"
    }
}
