import Foundation
import HeadroomAnalysis
import HeadroomChecklist

/// Renders an `AnalysisReport` as a compact terminal summary a musician can read.
public enum TextReport {
    public static func render(_ r: AnalysisReport, width: Int = 72) -> String {
        let a = r.analysis
        var out: [String] = []
        out.append("Headroom analysis — \(r.input.path)")
        let channels = a.isMono ? "mono" : "stereo"
        out.append("\(r.input.format), \(khz(a.sampleRateHz)) \(channels), \(timeText(a.durationSeconds)) (\(f1(a.durationSeconds)) s)")
        out.append("")

        out.append("LEVELS" + pad("", 20) + a.levels.channels.map { pad($0.name, 10, right: true) }.joined())
        func row(_ name: String, _ values: [Double], digits: Int = 1) -> String {
            "  " + pad(name, 24) + values.map { pad(num($0, digits), 10, right: true) }.joined()
        }
        out.append(row("sample peak (dBFS)", a.levels.channels.map(\.samplePeakDBFS)))
        out.append(row("true peak (dBTP)", a.levels.channels.map(\.truePeakDBTP)))
        out.append(row("RMS (dBFS)", a.levels.channels.map(\.rmsDBFS)))
        out.append(row("DC offset (%)", a.levels.channels.map(\.dcOffsetPercent), digits: 3))
        out.append("  headroom \(f1(a.levels.headroomDB)) dB   crest \(f1(a.levels.crestFactorDB)) dB   DR\(a.levels.dynamicRangeDR)   clipped runs \(a.levels.clippedRunCount)   inter-sample overs \(a.levels.intersampleOverCount)")
        out.append("")

        let l = a.loudness
        out.append("LOUDNESS")
        out.append("  integrated \(f1(l.integratedLUFS)) LUFS   range \(f1(l.loudnessRangeLU)) LU   max momentary \(f1(l.maxMomentaryLUFS))   max short-term \(f1(l.maxShortTermLUFS)) LUFS")
        out.append("  PLR \(f1(a.levels.plrDB)) dB   PSR \(f1(a.levels.psrDB)) dB")
        let curveWidth = width - 14
        out.append("  short-term  " + Sparkline.render(l.shortTermLUFS, width: curveWidth,
                                                         floor: l.integratedLUFS - 20, ceiling: l.maxShortTermLUFS))
        out.append("  sections    " + sectionRuler(a, width: min(curveWidth, l.shortTermLUFS.count)))
        out.append("")

        if let s = a.stereo {
            out.append("STEREO")
            out.append("  correlation \(f2(s.correlation)) (lowest \(f2(s.minimumCorrelation)))   side/mid \(f1(s.sideToMidDB)) dB   balance L−R \(f1(s.balanceDB)) dB")
            out.append("  below \(Int(s.lowEndCrossoverHz)) Hz: side/mid \(f1(s.lowEndSideToMidDB)) dB, correlation \(f2(s.lowEndCorrelation))   mono fold-down −\(f1(max(0, s.monoFoldLossLU))) LU")
            out.append("")
        }

        out.append("TONAL BALANCE vs neutral target (dB; + means more than the target)")
        out.append("  " + a.tonalBalance.regions.map { "\($0.name) \(signed($0.deviationDB))" }.joined(separator: "   "))
        let t = a.tonalBalance
        for i in t.bandCentersHz.indices where i % 2 == 1 || i == t.bandCentersHz.count - 1 {
            guard t.levelDB[i] > -199 else { continue }
            out.append("  " + pad(hzLabel(t.bandCentersHz[i]), 8, right: true) + " " +
                       Sparkline.centredBar(t.deviationDB[i], halfWidth: 12, scale: 1) + " " + signed(t.deviationDB[i]))
        }
        out.append("")

        out.append("SECTIONS")
        out.append("  " + pad("#", 3) + pad("time", 14) + pad("LUFS", 8, right: true) + pad("vs loudest", 12, right: true)
                   + pad("peak", 8, right: true) + pad("crest", 8, right: true) + "  role")
        for s in a.sections {
            out.append("  " + pad("\(s.index + 1)", 3) + pad(timeText(s.range), 14) + pad(f1(s.integratedLUFS), 8, right: true)
                       + pad(signed(s.relativeLoudnessLU) + " LU", 12, right: true)
                       + pad(f1(s.samplePeakDBFS), 8, right: true) + pad(f1(s.crestFactorDB), 8, right: true)
                       + "  " + roleText(s.role))
        }
        out.append("")

        out.append(checklist(r.checklist, analysis: a))
        return out.joined(separator: "\n")
    }

    /// The checklist part of the report.
    public static func checklist(_ c: Checklist, analysis a: Analysis) -> String {
        var out: [String] = []
        out.append("CHECKLIST — \(c.items(.problem).count) to fix, \(c.items(.strength).count) to keep, \(c.items(.info).count) to know")
        for item in c.items {
            let mark = item.kind == .problem ? "✗" : (item.kind == .strength ? "✓" : "i")
            let when = item.timeRanges.isEmpty || isWholeSong(item.timeRanges, a) ? ""
                : "  @ " + item.timeRanges.prefix(4).map(timeText).joined(separator: ", ")
                  + (item.timeRanges.count > 4 ? " (+\(item.timeRanges.count - 4) more)" : "")
            let severity = item.kind == .problem ? "[\(item.severity.rawValue)] " : ""
            out.append("  \(mark) #\(item.id) \(severity)\(item.title)\(when)")
            if item.kind != .info {
                out.append("      expected: \(item.expected)")
            }
            out.append("      → \(item.action)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func isWholeSong(_ ranges: [TimeRange], _ a: Analysis) -> Bool {
        ranges.count == 1 && ranges[0].startSeconds == 0 && abs(ranges[0].endSeconds - a.durationSeconds) < 0.01
    }

    /// A ruler under the loudness curve marking section starts with their numbers.
    static func sectionRuler(_ a: Analysis, width: Int) -> String {
        guard width > 0 else { return "" }
        var chars = Array(repeating: Character("─"), count: width)
        for s in a.sections {
            let i = min(width - 1, Int(s.startSeconds / a.durationSeconds * Double(width)))
            let label = Array("\(s.index + 1)")
            for (k, ch) in label.enumerated() where i + k < width { chars[i + k] = ch }
            if s.index == a.loudestSectionIndex, i + label.count < width { chars[i + label.count] = "*" }
        }
        return String(chars)
    }

    public static func roleText(_ role: Analysis.SectionRole) -> String {
        role == .loudest ? "loudest — the chain is set up here" : role.displayName
    }
}

func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
    let count = s.count
    if count >= n { return right ? " " + s : s + " " }
    let spaces = String(repeating: " ", count: n - count)
    return right ? spaces + s : s + spaces
}

/// `NumberText.decimal`, with the report floor for digital silence (−200) shown as −∞.
func num(_ x: Double, _ digits: Int) -> String {
    x <= -199 ? "−∞" : NumberText.decimal(x, digits: digits)
}
func f1(_ x: Double) -> String { num(x, 1) }
func f2(_ x: Double) -> String { num(x, 2) }
func signed(_ x: Double) -> String { NumberText.signed(x) }
func khz(_ hz: Double) -> String {
    hz.truncatingRemainder(dividingBy: 1000) == 0 ? "\(Int(hz / 1000)) kHz" : "\(f1(hz / 1000)) kHz"
}
func hzLabel(_ hz: Double) -> String {
    hz >= 1000 ? (hz.truncatingRemainder(dividingBy: 1000) == 0 ? "\(Int(hz / 1000))k" : "\(f1(hz / 1000))k") : "\(Int(hz))"
}
