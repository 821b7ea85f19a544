import Foundation
import HeadroomDSP

extension Analyzer {
    /// Splits the song into sections and measures each: features every `sectionFrameSeconds` (1/3-octave
    /// band energies of the mid signal and loudness), Foote novelty, boundaries snapped to the quietest
    /// 100 ms within ±0.5 s, then loudness, peak, crest factor and a role per section.
    func findSections(loudness: LoudnessMeter, levels: LevelMeter, spectrum: SpectrumMeter)
        -> (sections: [Analysis.Section], loudest: Int)
    {
        let subSeconds = loudness.subBlockSeconds
        let subCount = loudness.subBlockCount
        let perFrame = max(1, Int((options.sectionFrameSeconds / subSeconds).rounded()))
        let frameCount = subCount / perFrame
        let frameSeconds = Double(perFrame) * subSeconds

        // Features per frame.
        let bands = Array(TonalTarget.alignmentBands.filter { spectrum.bandIsMeasured($0) })
        var features: [[Double]] = []
        features.reserveCapacity(frameCount)
        var frameLoudness: [Double] = []
        let loudnessWeight = 6  // loudness counts as much as six bands
        // Band powers floored 70 dB under the loudest frame's, so digital silence is not an outlier
        // that makes everything else look alike.
        var maxPower: Float = 0
        for frame in spectrum.framePowers { for b in bands { maxPower = max(maxPower, frame[b]) } }
        let floorPower = max(Double(maxPower) * 1e-7, 1e-30)
        for f in 0..<frameCount {
            let t0 = Double(f) * frameSeconds, t1 = t0 + frameSeconds
            let s0 = Int(t0 / spectrum.frameSeconds), s1 = max(s0 + 1, Int(t1 / spectrum.frameSeconds))
            var vector = [Double]()
            vector.reserveCapacity(bands.count + loudnessWeight)
            let specRange = min(s0, spectrum.frameCount)..<min(s1, spectrum.frameCount)
            for b in bands {
                var p = 0.0
                for s in specRange { p += Double(spectrum.framePowers[s][b]) }
                vector.append(log10(p / Double(max(1, specRange.count)) + floorPower))
            }
            let e = loudness.subBlockEnergies[(f * perFrame)..<((f + 1) * perFrame)].reduce(0, +) / Double(perFrame)
            let l = max(-70, LoudnessMeter.lufs(energy: e))
            frameLoudness.append(l)
            vector.append(contentsOf: repeatElement(l / 10, count: loudnessWeight))
            features.append(vector)
        }
        let detector = SectionDetector(
            kernelHalfFrames: max(2, Int((options.kernelHalfSeconds / frameSeconds).rounded())),
            minimumSectionFrames: max(1, Int((options.minimumSectionSeconds / frameSeconds).rounded())))
        let boundaryFrames = detector.boundaries(features, loudnessLU: frameLoudness)

        // Boundaries in sub-blocks, snapped to the quietest sub-block within ±0.5 s.
        let reach = Int((0.5 / subSeconds).rounded())
        var cuts = boundaryFrames.map { f -> Int in
            let center = f * perFrame
            let lo = max(1, center - reach), hi = min(subCount - 1, center + reach)
            guard lo <= hi else { return center }
            return (lo...hi).min { loudness.subBlockEnergies[$0] < loudness.subBlockEnergies[$1] } ?? center
        }
        cuts = [0] + cuts + [subCount]

        var sections: [Analysis.Section] = []
        for i in 0..<(cuts.count - 1) {
            let r = cuts[i]..<cuts[i + 1]
            let integrated = finiteDB(loudness.integratedLUFS(subBlocks: r))
            var peak: Float = 0, squares = 0.0
            for c in 0..<levels.channelCount {
                peak = max(peak, levels.subBlockPeak[c][r].max() ?? 0)
                squares += levels.subBlockSumOfSquares[c][r].reduce(0, +)
            }
            let rms = Decibels.fromPower(squares / Double(max(1, r.count * levels.subBlockFrames * levels.channelCount)))
            let peakDB = Decibels.fromAmplitude(Double(peak))
            sections.append(Analysis.Section(
                index: i, startSeconds: Double(r.lowerBound) * subSeconds,
                endSeconds: i == cuts.count - 2 ? Double(levels.frameCount) / loudness.sampleRate : Double(r.upperBound) * subSeconds,
                integratedLUFS: integrated, samplePeakDBFS: peakDB, crestFactorDB: peakDB - rms,
                relativeLoudnessLU: 0, role: .similar))
        }

        // The loudest section: highest integrated loudness; within 0.5 LU, the later one (usually the last chorus).
        var loudest = 0
        for (i, s) in sections.enumerated() where s.integratedLUFS >= sections[loudest].integratedLUFS - 0.5 {
            loudest = i
        }
        let reference = sections[loudest].integratedLUFS
        for i in sections.indices {
            let delta = sections[i].integratedLUFS - reference
            sections[i].relativeLoudnessLU = (delta * 10).rounded() / 10
            sections[i].role = role(index: i, count: sections.count, delta: delta, loudest: loudest)
        }
        return (sections, loudest)
    }

    func role(index: Int, count: Int, delta: Double, loudest: Int) -> Analysis.SectionRole {
        if index == loudest { return .loudest }
        if index == 0 && delta <= -3 && count > 1 { return .intro }
        if index == count - 1 && delta <= -3 && count > 1 { return .outro }
        if delta >= -1.5 { return .similar }
        if delta >= -6 { return .quieter }
        return .quiet
    }
}
