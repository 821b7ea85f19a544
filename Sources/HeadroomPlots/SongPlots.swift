import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP

/// The song's waveform, reduced to one min/max pair per column (what a waveform overview draws).
public struct WaveformSummary: Codable, Sendable, Equatable {
    public var durationSeconds: Double
    /// Per column: the lowest and highest sample of either channel, −1...1.
    public var minimum: [Float]
    public var maximum: [Float]

    public init(durationSeconds: Double, minimum: [Float], maximum: [Float]) {
        self.durationSeconds = durationSeconds; self.minimum = minimum; self.maximum = maximum
    }

    /// Scans the audio once: `columns` min/max pairs.
    public static func make(_ audio: AudioBuffer, columns: Int = 1200) -> WaveformSummary {
        var builder = Builder(frameCount: audio.frameCount, sampleRate: audio.sampleRate, columns: columns)
        audio.withChannelPointers(0..<audio.frameCount) { builder.add($0) }
        return builder.summary
    }

    /// The same summary from blocks (a file as it is read, never whole in memory), given the frame count
    /// beforehand: column k covers frames k·n/columns ..< (k+1)·n/columns.
    public struct Builder: Sendable {
        let frameCount: Int, sampleRate: Double
        var lo: [Float], hi: [Float]
        var position = 0, column = 0

        public init(frameCount: Int, sampleRate: Double, columns: Int = 1200) {
            self.frameCount = frameCount; self.sampleRate = sampleRate
            let cols = max(1, min(columns, max(1, frameCount)))
            lo = [Float](repeating: 0, count: cols); hi = [Float](repeating: 0, count: cols)
        }

        /// Adds frames: one buffer per channel, all of the same length (frames past `frameCount` are ignored).
        public mutating func add(_ channels: [UnsafeBufferPointer<Float>]) {
            let n = min(channels[0].count, max(0, frameCount - position))
            let cols = lo.count
            var i = 0
            while i < n {
                while column < cols - 1 && position + i >= (column + 1) * frameCount / cols { column += 1 }
                let columnEnd = column == cols - 1 ? frameCount : (column + 1) * frameCount / cols
                let end = min(n, columnEnd - position)
                var mn = lo[column], mx = hi[column]
                for x in channels {
                    for j in i..<end { let v = x[j]; if v < mn { mn = v }; if v > mx { mx = v } }
                }
                lo[column] = mn; hi[column] = mx
                i = end
            }
            position += n
        }

        public var summary: WaveformSummary {
            WaveformSummary(durationSeconds: Double(frameCount) / sampleRate, minimum: lo, maximum: hi)
        }
    }
}

/// The song's plots, as SVG text: waveform with sections, loudness over time, spectrum against a target.
/// Every drawn thing carries a class and data- attributes, so pages and tests can find it.
public enum SongPlots {
    static let width = 1000.0
    static let marginLeft = 44.0, marginRight = 8.0, marginTop = 18.0, marginBottom = 20.0

    /// The section regions behind a time plot: one rect per section, labelled with its number and role,
    /// the loudest one marked.
    static func sections(_ svg: inout SVG, _ sections: [Analysis.Section], loudest: Int, x: Scale, top: Double, bottom: Double) {
        for s in sections {
            let x0 = x(s.startSeconds), x1 = x(s.endSeconds)
            let isLoudest = s.index == loudest
            let role = isLoudest ? "loudest" : s.role.displayName
            svg.add("rect", ["class": "section\(isLoudest ? " loudest" : "")\(s.index % 2 == 0 ? " even" : "")",
                             "x": SVG.n(x0), "y": SVG.n(top), "width": SVG.n(max(0, x1 - x0)), "height": SVG.n(bottom - top),
                             "data-index": "\(s.index)", "data-start": SVG.n(s.startSeconds), "data-end": SVG.n(s.endSeconds),
                             "data-role": role])
            // A narrow section shows its number only, so labels never run into each other (about 6 units a letter).
            let label = "\(s.index + 1) \(role)"
            svg.add("text", ["class": "section-label", "x": SVG.n(x0 + 4), "y": SVG.n(top - 5)],
                    text: Double(label.count) * 6 + 8 < x1 - x0 ? label : "\(s.index + 1)")
        }
    }

    static func timeAxis(_ svg: inout SVG, duration: Double, x: Scale, y: Double) {
        let step = [5.0, 10, 15, 30, 60, 120, 300, 600].first { duration / $0 <= 12 } ?? 600
        var t = 0.0
        while t <= duration + 1e-9 {
            svg.add("line", ["class": "grid", "x1": SVG.n(x(t)), "x2": SVG.n(x(t)), "y1": SVG.n(marginTop), "y2": SVG.n(y)])
            svg.add("text", ["class": "tick", "x": SVG.n(x(t)), "y": SVG.n(y + 14), "text-anchor": "middle"], text: clock(t))
            t += step
        }
    }

    /// Waveform overview with the sections drawn as labelled regions.
    public static func waveform(_ w: WaveformSummary, sections: [Analysis.Section], loudest: Int, height: Double = 160) -> String {
        var svg = SVG(width: width, height: height, cssClass: "plot waveform")
        let bottom = height - marginBottom
        let x = Scale(domain: 0...max(w.durationSeconds, 1e-3), from: marginLeft, to: width - marginRight)
        let y = Scale(domain: -1...1, from: bottom, to: marginTop)
        Self.sections(&svg, sections, loudest: loudest, x: x, top: marginTop, bottom: bottom)
        timeAxis(&svg, duration: w.durationSeconds, x: x, y: bottom)
        let cols = w.maximum.count
        var top: [(Double, Double)] = [], low: [(Double, Double)] = []
        for k in 0..<cols {
            let t = (Double(k) + 0.5) / Double(cols) * w.durationSeconds
            top.append((x(t), y(Double(w.maximum[k])))); low.append((x(t), y(Double(w.minimum[k]))))
        }
        let outline = (top + low.reversed()).map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " ")
        svg.raw("<polygon class=\"wave\" points=\"\(outline)\"/>")
        svg.add("line", ["class": "axis", "x1": SVG.n(marginLeft), "x2": SVG.n(width - marginRight), "y1": SVG.n(y(0)), "y2": SVG.n(y(0))])
        return svg.text
    }

    /// One loudness curve (short-term, 3 s windows) to draw.
    public struct Curve: Sendable {
        public var name: String
        public var intervalSeconds: Double
        public var lufs: [Double]
        public init(name: String, intervalSeconds: Double, lufs: [Double]) { self.name = name; self.intervalSeconds = intervalSeconds; self.lufs = lufs }
    }

    /// The range of LUFS shown: from 30 LU under the loudest value (or the target) to a little above it.
    static func loudnessDomain(_ curves: [Curve], target: Double?) -> ClosedRange<Double> {
        let values = curves.flatMap(\.lufs).filter { $0 > -70 }
        let top = max(values.max() ?? -10, target ?? -100) + 2
        let low = min(values.min() ?? -40, target ?? 0) - 2
        return max(low, top - 36)...top
    }

    /// Short-term loudness over time: the mix (and the master, after a render) on one axis, the target line,
    /// the sections behind.
    public static func loudness(_ curves: [Curve], sections: [Analysis.Section], loudest: Int, duration: Double,
                                targetLUFS: Double?, height: Double = 220) -> String {
        var svg = SVG(width: width, height: height, cssClass: "plot loudness")
        let bottom = height - marginBottom
        let domain = loudnessDomain(curves, target: targetLUFS)
        let x = Scale(domain: 0...max(duration, 1e-3), from: marginLeft, to: width - marginRight)
        let y = Scale(domain: domain, from: bottom, to: marginTop)
        Self.sections(&svg, sections, loudest: loudest, x: x, top: marginTop, bottom: bottom)
        timeAxis(&svg, duration: duration, x: x, y: bottom)
        var level = (domain.upperBound / 6).rounded(.down) * 6
        while level >= domain.lowerBound {
            svg.add("line", ["class": "grid", "x1": SVG.n(marginLeft), "x2": SVG.n(width - marginRight), "y1": SVG.n(y(level)), "y2": SVG.n(y(level))])
            svg.add("text", ["class": "tick", "x": SVG.n(marginLeft - 4), "y": SVG.n(y(level) + 4), "text-anchor": "end"], text: "\(Int(level))")
            level -= 6
        }
        if let targetLUFS {
            svg.add("line", ["class": "target", "x1": SVG.n(marginLeft), "x2": SVG.n(width - marginRight),
                             "y1": SVG.n(y(targetLUFS)), "y2": SVG.n(y(targetLUFS)), "data-lufs": SVG.n(targetLUFS)])
            svg.add("text", ["class": "target-label", "x": SVG.n(width - marginRight - 4), "y": SVG.n(y(targetLUFS) - 4), "text-anchor": "end"],
                    text: "target \(NumberText.decimal(targetLUFS)) LUFS")
        }
        for c in curves {
            var points: [(Double, Double)] = []
            for (i, v) in c.lufs.enumerated() {
                let t = Double(i + 1) * c.intervalSeconds
                points.append((x(t), y(min(max(v, domain.lowerBound), domain.upperBound))))
            }
            svg.polyline(points, cssClass: "curve \(c.name)", extra: ["data-name": c.name])
        }
        svg.add("text", ["class": "unit", "x": "4", "y": "11"], text: "LUFS")
        return svg.text
    }

    /// One spectrum to draw (1/3-octave levels, dB).
    public struct Spectrum: Sendable {
        public var name: String
        public var levelDB: [Double]
        public init(name: String, levelDB: [Double]) { self.name = name; self.levelDB = levelDB }
    }

    /// 1/3-octave spectra against the tonal target (or a reference), on a log-frequency axis.
    public static func spectrum(bandsHz: [Double], target: [Double], targetName: String, spectra: [Spectrum],
                                height: Double = 220) -> String {
        var svg = SVG(width: width, height: height, cssClass: "plot spectrum")
        let bottom = height - marginBottom
        let all = (target + spectra.flatMap(\.levelDB)).filter(\.isFinite)
        let top = ((all.max() ?? 0) / 6).rounded(.up) * 6 + 3
        let domain = (top - 42)...top
        let x = Scale(domain: 20...20_000, from: marginLeft, to: width - marginRight, log: true)
        let y = Scale(domain: domain, from: bottom, to: marginTop)
        for f in [31.5, 63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000] {
            svg.add("line", ["class": "grid", "x1": SVG.n(x(f)), "x2": SVG.n(x(f)), "y1": SVG.n(marginTop), "y2": SVG.n(bottom)])
            svg.add("text", ["class": "tick", "x": SVG.n(x(f)), "y": SVG.n(bottom + 14), "text-anchor": "middle"],
                    text: f >= 1000 ? "\(Int(f / 1000))k" : "\(Int(f))")
        }
        var level = (domain.upperBound / 6).rounded(.down) * 6
        while level >= domain.lowerBound {
            svg.add("line", ["class": "grid", "x1": SVG.n(marginLeft), "x2": SVG.n(width - marginRight), "y1": SVG.n(y(level)), "y2": SVG.n(y(level))])
            svg.add("text", ["class": "tick", "x": SVG.n(marginLeft - 4), "y": SVG.n(y(level) + 4), "text-anchor": "end"], text: "\(Int(level))")
            level -= 6
        }
        func line(_ values: [Double], _ cls: String, _ name: String) {
            let pts = zip(bandsHz, values).filter { $0.1.isFinite }.map { (x($0.0), y(min(max($0.1, domain.lowerBound), domain.upperBound))) }
            svg.polyline(pts, cssClass: cls, extra: ["data-name": name, "data-bands": "\(pts.count)"])
        }
        line(target, "target-curve", targetName)
        for s in spectra { line(s.levelDB, "curve \(s.name)", s.name) }
        svg.add("text", ["class": "unit", "x": "4", "y": "11"], text: "dB")
        return svg.text
    }

    /// The limiter's gain reduction over time (0 dB at the top, deeper downwards), the sections behind.
    /// The limiter's gain reduction over time, and the compressor's (same interval, drawn behind it) when
    /// given; both in dB (0 or negative).
    public static func gainReduction(intervalSeconds: Double, reductionDB: [Double], compressorDB: [Double]? = nil,
                                     compressorIntervalSeconds: Double? = nil, sections: [Analysis.Section], loudest: Int,
                                     duration: Double, height: Double = 120) -> String {
        var svg = SVG(width: width, height: height, cssClass: "plot gain")
        let bottom = height - marginBottom
        let deepest = min(reductionDB.min() ?? 0, compressorDB?.min() ?? 0)
        let depth = max(3, (-deepest / 3).rounded(.up) * 3)
        let x = Scale(domain: 0...max(duration, 1e-3), from: marginLeft, to: width - marginRight)
        let y = Scale(domain: -depth...0, from: bottom, to: marginTop)
        Self.sections(&svg, sections, loudest: loudest, x: x, top: marginTop, bottom: bottom)
        timeAxis(&svg, duration: duration, x: x, y: bottom)
        var level = 0.0
        while level >= -depth {
            svg.add("line", ["class": "grid", "x1": SVG.n(marginLeft), "x2": SVG.n(width - marginRight), "y1": SVG.n(y(level)), "y2": SVG.n(y(level))])
            svg.add("text", ["class": "tick", "x": SVG.n(marginLeft - 4), "y": SVG.n(y(level) + 4), "text-anchor": "end"], text: "\(Int(level))")
            level -= depth > 6 ? 3 : 1
        }
        func polygon(_ values: [Double], interval: Double, cssClass: String) {
            var points = [(x(0), y(0))]
            for (i, v) in values.enumerated() { points.append((x((Double(i) + 0.5) * interval), y(max(-depth, min(0, v))))) }
            points.append((x(duration), y(0)))
            let outline = points.map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " ")
            svg.raw("<polygon class=\"reduction \(cssClass)\" data-max-db=\"\(SVG.n(values.min() ?? 0))\" points=\"\(outline)\"/>")
        }
        if let compressorDB {
            polygon(compressorDB, interval: compressorIntervalSeconds ?? intervalSeconds, cssClass: "compressor")
        }
        polygon(reductionDB, interval: intervalSeconds, cssClass: "limiter")
        svg.add("text", ["class": "unit", "x": "4", "y": "11"], text: "GR dB")
        return svg.text
    }
}
