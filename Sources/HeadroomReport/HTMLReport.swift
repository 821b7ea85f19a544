import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomMastering
import HeadroomPlots
import HeadroomTranslation

/// One self-contained HTML page of a mastering session, to send to a bandmate: the plots (inline SVG), the
/// numbers before and after, the plan with its reasons, the checklist with its verdicts and notes, and the
/// translation. No script and no external request: it opens offline in any browser.
public enum HTMLReport {
    /// What the page is made from: the session, the mix's analysis and (when rendered) the master's.
    public struct Input {
        public var title: String
        public var session: Session
        public var mix: Analysis
        public var master: Analysis?
        public var waveform: WaveformSummary
        public var gainReduction: GainReductionCurve?
        /// The glue compressor's, when it was on.
        public var compressorGainReduction: GainReductionCurve?

        public init(title: String, session: Session, mix: Analysis, master: Analysis?, waveform: WaveformSummary,
                    gainReduction: GainReductionCurve? = nil, compressorGainReduction: GainReductionCurve? = nil) {
            self.title = title; self.session = session; self.mix = mix; self.master = master; self.waveform = waveform
            self.gainReduction = gainReduction
            self.compressorGainReduction = compressorGainReduction
        }
    }

    static func h(_ s: String) -> String { SVG.escape(s) }
    static func d(_ x: Double, _ digits: Int = 1) -> String { NumberText.decimal(x, digits: digits) }

    public static func render(_ r: Input) -> String {
        let a = r.mix, s = r.session
        var curves = [SongPlots.Curve(name: "mix", intervalSeconds: a.loudness.shortTermIntervalSeconds, lufs: a.loudness.shortTermLUFS)]
        var spectra = [SongPlots.Spectrum(name: "mix", levelDB: a.tonalBalance.levelDB)]
        if let m = r.master {
            curves.append(.init(name: "master", intervalSeconds: m.loudness.shortTermIntervalSeconds, lufs: m.loudness.shortTermLUFS))
            spectra.append(.init(name: "master", levelDB: m.tonalBalance.levelDB))
        }
        var body = "<h1>\(h(r.title))</h1>\n<p class=\"sub\">\(h(s.input.path)) — \(h(s.input.format)), \(d(s.input.durationSeconds)) s. "
            + "Target \(h(s.plan.target.name)): \(d(s.plan.target.integratedLUFS)) LUFS, ceiling \(d(s.plan.target.ceilingDBTP)) dBTP. "
            + "Made by Headroom \(h(s.toolVersion)).</p>\n"
        body += "<h2>The song</h2>\n<figure>\(SongPlots.waveform(r.waveform, sections: a.sections, loudest: a.loudestSectionIndex))</figure>\n"
        body += "<figure>\(SongPlots.loudness(curves, sections: a.sections, loudest: a.loudestSectionIndex, duration: a.durationSeconds, targetLUFS: s.plan.target.integratedLUFS))"
            + "<figcaption><span class=\"k mix\"></span> mix <span class=\"k master\"></span> master <span class=\"k target\"></span> target — short-term loudness (3 s), LUFS</figcaption></figure>\n"
        if let g = r.gainReduction {
            let c = r.compressorGainReduction
            body += "<figure>\(SongPlots.gainReduction(intervalSeconds: g.intervalSeconds, reductionDB: g.reductionDB, compressorDB: c?.reductionDB, compressorIntervalSeconds: c?.intervalSeconds, sections: a.sections, loudest: a.loudestSectionIndex, duration: a.durationSeconds))"
                + "<figcaption>gain reduction: <span class=\"k limiter\"></span> the limiter's (deepest \(d(g.maxReductionDB)) dB)\(c.map { ", <span class=\"k compressor\"></span> the compressor's (deepest \(d($0.maxReductionDB)) dB)" } ?? "")</figcaption></figure>\n"
        }
        let t = a.tonalBalance
        body += "<figure>\(SongPlots.spectrum(bandsHz: t.bandCentersHz, target: t.targetDB, targetName: t.targetName, spectra: spectra))"
            + "<figcaption>1/3-octave balance against the \(h(t.targetName)) (dashed)</figcaption></figure>\n"
        body += numbers(s)
        body += plan(s.plan)
        body += checklist(s.checklist)
        if let tr = s.translation { body += translation(tr) }
        return page(title: r.title, body: body)
    }

    static func numbers(_ s: Session) -> String {
        guard let r = s.report else { return "" }
        func row(_ name: String, _ b: Double, _ a: Double, _ unit: String, _ digits: Int = 1) -> String {
            "<tr><td>\(name)</td><td>\(d(b, digits))</td><td>\(d(a, digits))</td><td>\(unit)</td></tr>"
        }
        return "<h2>Before and after</h2>\n<table class=\"numbers\"><tr><th></th><th>mix</th><th>master</th><th></th></tr>"
            + row("integrated", r.before.integratedLUFS, r.after.integratedLUFS, "LUFS")
            + row("true peak", r.before.truePeakDBTP, r.truePeak8xDBTP, "dBTP", 2)
            + row("loudness range", r.before.loudnessRangeLU, r.after.loudnessRangeLU, "LU")
            + row("PLR", r.before.plrDB, r.after.plrDB, "dB") + row("crest factor", r.before.crestFactorDB, r.after.crestFactorDB, "dB")
            + "<tr><td>DR</td><td>\(r.before.dynamicRangeDR)</td><td>\(r.after.dynamicRangeDR)</td><td></td></tr></table>\n"
            + "<p class=\"verdict \(r.targetHit && r.ceilingHeld ? "good" : "bad")\">\(r.targetHit ? "✓ target hit" : "✗ target missed (limiting guard)"), "
            + "\(r.ceilingHeld ? "✓ ceiling held" : "✗ ceiling missed")</p>\n"
    }

    static func plan(_ p: MasteringPlan) -> String {
        "<h2>What was done, and why</h2>\n<table class=\"plan\">" + p.decisions.map { dec in
            "<tr><td>\(h(dec.stage))</td><td>\(h(dec.summary))<div class=\"why\">because \(h(dec.reason))</div></td><td>\(dec.itemIDs.map { "#\($0)" }.joined(separator: " "))</td></tr>"
        }.joined() + "</table>\n"
    }

    static func checklist(_ c: Checklist) -> String {
        let marks: [ChecklistItem.Status: String] = [.fixed: "✓ fixed", .kept: "✓ kept", .stillOpen: "✗ still open", .noted: "i noted", .open: "✗ open"]
        return "<h2>Checklist</h2>\n<table class=\"checklist\">" + c.items.map { i in
            let time = i.timeRanges.first.map { " @ \(clockText($0.startSeconds))" } ?? ""
            return "<tr class=\"\(i.status.rawValue)\"><td>\(marks[i.status] ?? "")</td><td>#\(i.id) \(h(i.title))\(h(time))"
                + "<div class=\"why\">→ \(h(i.action))</div>\(i.note.map { "<div class=\"note\">note: \(h($0))</div>" } ?? "")</td></tr>"
        }.joined() + "</table>\n"
    }

    static func translation(_ t: TranslationReport) -> String {
        var out = "<h2>Translation</h2>\n<table class=\"numbers\"><tr><th>speaker</th><th>loudness</th><th>lows &lt;150 Hz</th><th>vocal band</th></tr>"
        for sp in t.speakers {
            out += "<tr><td>\(h(sp.name))</td><td>\(NumberText.signed(sp.loudnessChangeLU)) LU</td><td>\(d(sp.lowEndDB, 0)) dB</td><td>\(d(sp.vocalBandDB, 0)) dB</td></tr>"
        }
        out += "</table>\n<ul>" + t.platforms.map { "<li>\(h($0.sentence))</li>" }.joined() + "</ul>\n<ul>"
        out += t.codecs.map { "<li>\(h($0.codec)): \(d($0.truePeakDBTP, 2)) dBTP after decoding \($0.overs ? "✗ overs" : "✓")</li>" }.joined() + "</ul>\n"
        return out
    }

    static func clockText(_ s: Double) -> String { let t = Int(s.rounded()); return "\(t / 60):" + String(format: "%02d", t % 60) }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(h(title)) — Headroom report</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 1040px; margin: 24px auto; padding: 0 16px; color: #1d2027; }
        h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 16px; margin-top: 28px; border-bottom: 1px solid #ddd; }
        .sub { color: #666; margin-top: 0; } figure { margin: 8px 0; } figcaption { color: #666; font-size: 12px; }
        svg { width: 100%; height: 200px; display: block; background: #15171c; border-radius: 6px; }
        svg.waveform { height: 160px; } svg.gain { height: 120px; }
        svg .section { fill: #ffffff08; } svg .section.even { fill: #ffffff12; } svg .section.loudest { fill: #d2a8ff26; }
        svg .section-label, svg .tick, svg .unit { fill: #8b93a3; font-size: 10px; } svg .grid { stroke: #ffffff14; }
        svg .axis { stroke: #ffffff30; } svg .wave { fill: #6cb6ff; opacity: .75; }
        svg .curve { fill: none; stroke-width: 1.6; vector-effect: non-scaling-stroke; } svg .curve.mix { stroke: #6cb6ff; }
        svg .curve.master { stroke: #ffb454; } svg .target, svg .target-curve { stroke: #7ee787; stroke-dasharray: 5 4; fill: none; vector-effect: non-scaling-stroke; }
        svg .target-label { fill: #7ee787; font-size: 11px; } svg .reduction { fill: #ff7b7255; stroke: #ff7b72; vector-effect: non-scaling-stroke; } svg .reduction.compressor { fill: #d2a8ff40; stroke: #d2a8ff; }
        .k { display: inline-block; width: 14px; height: 3px; vertical-align: middle; } .k.mix { background: #6cb6ff; }
        .k.master { background: #ffb454; } .k.target { background: #7ee787; } .k.limiter { background: #ff7b72; } .k.compressor { background: #d2a8ff; }
        table { border-collapse: collapse; } td, th { padding: 4px 10px 4px 0; vertical-align: top; text-align: left; }
        .numbers td:nth-child(2), .numbers td:nth-child(3) { text-align: right; font-variant-numeric: tabular-nums; }
        .why { color: #666; font-size: 12px; } .note { color: #7b3fb0; font-size: 12px; }
        .verdict.good { color: #1a7f37; } .verdict.bad { color: #cf222e; }
        .checklist tr.still-open td:first-child, .checklist tr.open td:first-child { color: #cf222e; white-space: nowrap; }
        .checklist tr.fixed td:first-child, .checklist tr.kept td:first-child { color: #1a7f37; white-space: nowrap; }
        </style></head>
        <body>
        \(body)
        </body></html>

        """
    }
}
