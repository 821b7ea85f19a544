import Foundation
import HeadroomChecklist
import HeadroomTranslation

/// Renders a translation report for the terminal: speakers, platforms, codecs, items.
public enum TranslationTextReport {
    public static func render(_ r: TranslationReport) -> String {
        var out: [String] = []
        out.append("SPEAKERS" + pad("", 10) + pad("loudness", 10, right: true) + pad("low end <150 Hz", 20, right: true) + pad("vocal band 1–4 kHz", 22, right: true))
        for s in r.speakers {
            out.append("  " + pad(s.name, 16) + pad(signed(s.loudnessChangeLU) + " LU", 10, right: true)
                + pad("\(num(s.lowEndDB, 0)) dB (\(num(s.sourceLowEndDB, 0)))", 20, right: true)
                + pad("\(num(s.vocalBandDB, 0)) dB (\(num(s.sourceVocalBandDB, 0)))", 22, right: true))
        }
        out.append("  (share of the energy through the model, in dB; the source's in brackets)")
        out.append("")
        out.append("PLATFORMS")
        for p in r.platforms { out.append("  " + p.sentence) }
        if !r.codecs.isEmpty {
            out.append("")
            out.append("CODECS (encoded and decoded again)")
            for c in r.codecs {
                let verdict = c.overs ? "✗ overs (\(c.clippedSamples) clipped samples); a ceiling of \(num(c.suggestedCeilingDBTP ?? -1.5, 1)) dBTP would avoid them" : "✓"
                out.append("  " + pad(c.codec, 12) + "peak \(num(c.truePeakDBTP, 2)) dBTP after decoding (source \(num(c.sourceTruePeakDBTP, 2)))  " + verdict)
            }
        }
        out.append("")
        out.append("TRANSLATION CHECKLIST")
        out += items(r)
        return out.joined(separator: "\n") + "\n"
    }

    /// The verdicts only (one line each, with the action under a problem): what a master prints by default.
    public static func summary(_ r: TranslationReport) -> String {
        (items(r) + ["  (speakers, platforms and codecs in detail: --verbose, or headroom check on the master)"])
            .joined(separator: "\n") + "\n"
    }

    static func items(_ r: TranslationReport) -> [String] {
        r.items.flatMap { item -> [String] in
            let mark = item.kind == .problem ? "✗" : (item.kind == .strength ? "✓" : "i")
            return ["  \(mark) \(item.title)"] + (item.kind == .problem ? ["      → \(item.action)"] : [])
        }
    }
}
