import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomMastering
import HeadroomPlots
import HeadroomSignals
import Testing

@Suite struct SongPlotsTests {
    static let song = SyntheticSong(sections: [
        .init("verse", seconds: 16, levelDB: -8), .init("chorus", seconds: 16, levelDB: 0, bright: true),
        .init("outro", seconds: 10, levelDB: -10, drums: false),
    ]).render()
    static let analysis = try! Analyzer().analyze(song)

    /// All values of an attribute in the SVG text.
    static func values(_ svg: String, _ attribute: String, on cls: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "<[a-z]+ class=\"\(cls)[^\"]*\"[^>]*? \(attribute)=\"([^\"]*)\"")
        return pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { String(svg[Range($0.range(at: 1), in: svg)!]) }
    }

    @Test func waveformHasOneRegionPerSectionAndTheLoudestMarked() throws {
        let a = Self.analysis
        let w = WaveformSummary.make(Self.song, columns: 800)
        #expect(w.maximum.count == 800)
        #expect(w.maximum.max()! > 0.3 && w.minimum.min()! < -0.3)
        let svg = SongPlots.waveform(w, sections: a.sections, loudest: a.loudestSectionIndex)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        let starts = Self.values(svg, "data-start", on: "section")
        #expect(starts.count == a.sections.count)
        #expect(zip(starts, a.sections).allSatisfy { abs(Double($0.0)! - $0.1.startSeconds) < 0.01 })
        #expect(Self.values(svg, "data-role", on: "section loudest") == ["loudest"])
        #expect(svg.contains("class=\"wave\""))
    }

    @Test func loudnessCurvesShareOneAxisWithTheTargetLine() throws {
        let a = Self.analysis
        let mix = SongPlots.Curve(name: "mix", intervalSeconds: a.loudness.shortTermIntervalSeconds, lufs: a.loudness.shortTermLUFS)
        let louder = SongPlots.Curve(name: "master", intervalSeconds: mix.intervalSeconds, lufs: mix.lufs.map { $0 + 6 })
        let svg = SongPlots.loudness([mix, louder], sections: a.sections, loudest: a.loudestSectionIndex,
                                     duration: a.durationSeconds, targetLUFS: -14)
        #expect(Self.values(svg, "data-lufs", on: "target") == ["-14"])
        #expect(Self.values(svg, "data-name", on: "curve").sorted() == ["master", "mix"])
        // The master curve sits above the mix (smaller y) where both are drawn.
        func ys(_ name: String) -> [Double] {
            let p = Self.values(svg, "points", on: "curve \(name)")[0]
            return p.split(separator: " ").map { Double($0.split(separator: ",")[1])! }
        }
        let m = ys("mix"), master = ys("master")
        #expect(m.count == a.loudness.shortTermLUFS.count)
        #expect(zip(m, master).filter { $0.1 < $0.0 }.count > m.count * 9 / 10)
        // Every point is inside the plot.
        #expect((m + master).allSatisfy { $0 >= 0 && $0 <= 220 })
    }

    @Test func spectrumAgainstTheTarget() throws {
        let t = Self.analysis.tonalBalance
        let svg = SongPlots.spectrum(bandsHz: t.bandCentersHz, target: t.targetDB, targetName: t.targetName,
                                     spectra: [.init(name: "mix", levelDB: t.levelDB)])
        #expect(Self.values(svg, "data-bands", on: "target-curve") == ["\(t.bandCentersHz.count)"])
        #expect(Self.values(svg, "data-name", on: "curve") == ["mix"])
        // Frequencies run left to right on a log axis: 1 kHz sits at 2/3 of 20 Hz...20 kHz.
        let xs = Self.values(svg, "points", on: "target-curve")[0].split(separator: " ").map { Double($0.split(separator: ",")[0])! }
        #expect(zip(xs, xs.dropFirst()).allSatisfy { $0.0 < $0.1 })
        let i1k = t.bandCentersHz.firstIndex { abs($0 - 1000) < 1 }!
        #expect(abs((xs[i1k] - 44) / (1000 - 44 - 8) - log10(1000.0 / 20) / 3) < 0.01)
    }

    @Test func textIsEscaped() {
        #expect(SVG.escape("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;")
        #expect(SVG.n(-0.001) == "0" && SVG.n(12.5) == "12.5" && SVG.n(3) == "3")
    }
}

@Suite struct GainReductionTests {
    /// A known gain: 0 dB for the first second, −6 dB for the second: the curve reads 0, then −6.
    @Test func measuresAKnownGainStep() {
        let sr = 48_000.0
        let tone = Signals.sine(frequencyHz: 997, amplitudeDBFS: -12, seconds: 2, sampleRate: sr)
        let pre = AudioBuffer(sampleRate: sr, channels: [tone, tone])
        let g = Float(Decibels.toAmplitude(-6))
        let out = tone.enumerated().map { $0.offset < Int(sr) ? $0.element * 2 : $0.element * 2 * g }  // input gain +6 dB
        let curve = GainReductionCurve.measure(preLimiter: pre, master: AudioBuffer(sampleRate: sr, channels: [out, out]), inputGainDB: 6.02)
        #expect(curve.reductionDB.count == 20)
        #expect(curve.reductionDB.prefix(9).allSatisfy { abs($0) < 0.05 }, "\(curve.reductionDB)")
        #expect(curve.reductionDB.suffix(9).allSatisfy { abs($0 - -6) < 0.05 }, "\(curve.reductionDB)")
        let svg = SongPlots.gainReduction(intervalSeconds: curve.intervalSeconds, reductionDB: curve.reductionDB, sections: [], loudest: 0, duration: 2)
        #expect(svg.contains("data-max-db=\"-6"))
        // With the compressor's curve: both, on one axis deep enough for the deeper one.
        let both = SongPlots.gainReduction(intervalSeconds: curve.intervalSeconds, reductionDB: curve.reductionDB,
                                           compressorDB: [0, -1, -8.5, -2], compressorIntervalSeconds: 0.5, sections: [], loudest: 0, duration: 2)
        #expect(both.contains("class=\"reduction compressor\" data-max-db=\"-8.5\""))
        #expect(both.contains(">-9</text>") && !svg.contains(">-9</text>"))
    }

    /// The same step made by the shape stage (the second second lowered 6 dB after the limiter) is not the
    /// limiter's: with the rendered shape the curve reads 0 throughout, away from the ramp.
    @Test func theShapeStagesGainIsNotCountedAsLimiting() {
        let sr = 48_000.0
        let tone = Signals.sine(frequencyHz: 997, amplitudeDBFS: -12, seconds: 2, sampleRate: sr)
        let pre = AudioBuffer(sampleRate: sr, channels: [tone, tone])
        let shape = ShapeSettings(sections: [.init(startSeconds: 0, endSeconds: 1, wantedDistanceLU: 0),
                                             .init(startSeconds: 1, endSeconds: 2, wantedDistanceLU: 6)],
                                  loudestIndex: 0, rampMilliseconds: 20, gainsDB: [0, -6])
        let g = Float(Decibels.toAmplitude(-6))
        let out = tone.enumerated().map { $0.offset < Int(sr) ? $0.element : $0.element * g }
        let master = AudioBuffer(sampleRate: sr, channels: [out, out])
        let without = GainReductionCurve.measure(preLimiter: pre, master: master, inputGainDB: 0)
        let with = GainReductionCurve.measure(preLimiter: pre, master: master, inputGainDB: 0, shape: shape)
        #expect(without.reductionDB.suffix(9).allSatisfy { abs($0 - -6) < 0.05 }, "\(without.reductionDB)")
        #expect(with.reductionDB.prefix(9).allSatisfy { abs($0) < 0.05 } && with.reductionDB.suffix(9).allSatisfy { abs($0) < 0.05 },
                "\(with.reductionDB)")
    }
}
