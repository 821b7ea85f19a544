import HeadroomAnalysis
import HeadroomDSP

/// The shape stage's arithmetic: measure where each section sits under the loudest, choose the gains that put
/// it back where the plan wants it, predict the loudness once they are applied, apply them.
enum ShapeRestore {
    /// The sub-blocks (100 ms) of each section.
    static func subBlockRanges(_ shape: ShapeSettings, meter: LoudnessMeter) -> [Range<Int>] {
        shape.sections.map { s in
            let lo = min(meter.subBlockCount, max(0, Int((s.startSeconds / meter.subBlockSeconds).rounded())))
            let hi = min(meter.subBlockCount, max(lo, Int((s.endSeconds / meter.subBlockSeconds).rounded())))
            return lo..<hi
        }
    }

    /// Per-section gains (dB, ≤ 0, the loudest's 0): each section lowered by what it stands above its wanted
    /// distance under the loudest section, as measured by `meter`.
    static func gains(_ shape: ShapeSettings, meter: LoudnessMeter) -> [Double] {
        let ranges = subBlockRanges(shape, meter: meter)
        guard shape.sections.indices.contains(shape.loudestIndex) else { return shape.sections.map { _ in 0 } }
        let loudest = meter.integratedLUFS(subBlocks: ranges[shape.loudestIndex])
        return shape.sections.indices.map { i in
            let level = meter.integratedLUFS(subBlocks: ranges[i])
            guard i != shape.loudestIndex, level.isFinite, loudest.isFinite else { return 0 }
            let cut = min(0, (loudest - level) - shape.sections[i].wantedDistanceLU)
            return (max(-ShapeSettings.maxCutDB, cut) * 100).rounded() / 100
        }
    }

    /// Integrated loudness once `gains` are applied (ramps ignored: they span a few sub-blocks).
    static func integratedLUFS(meter: LoudnessMeter, shape: ShapeSettings, gains: [Double]) -> Double {
        var energies = meter.subBlockEnergies
        for (range, g) in zip(subBlockRanges(shape, meter: meter), gains) where g != 0 {
            let scale = Decibels.toAmplitude(2 * g)
            for k in range { energies[k] *= scale }
        }
        return LoudnessMeter.integratedLUFS(subBlockEnergies: energies)
    }

    /// The share of `gains` (0...1) that leaves the song at `target` LUFS; nil when even none of them does.
    static func share(reaching target: Double, meter: LoudnessMeter, shape: ShapeSettings, gains: [Double]) -> Double? {
        guard integratedLUFS(meter: meter, shape: shape, gains: gains.map { _ in 0 }) >= target - 0.05 else { return nil }
        var lo = 0.0, hi = 1.0
        for _ in 0..<16 {
            let mid = (lo + hi) / 2
            if integratedLUFS(meter: meter, shape: shape, gains: gains.map { $0 * mid }) >= target { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// `gains` as clip-gain automation with the shape's ramps, prepared for `audio`.
    static func stage(_ shape: ShapeSettings, gains: [Double], for audio: AudioBuffer) -> SectionGainStage {
        stage(shape, gains: gains, sampleRate: audio.sampleRate, channelCount: audio.channelCount)
    }

    /// The same for a stream at `sampleRate`.
    static func stage(_ shape: ShapeSettings, gains: [Double], sampleRate: Double, channelCount: Int) -> SectionGainStage {
        let segments = zip(shape.sections, gains).map { SectionGainSegment(startSeconds: $0.startSeconds, endSeconds: $0.endSeconds, gainDB: $1) }
        let stage = SectionGainStage(settings: SectionGainSettings(enabled: true, segments: segments, rampMilliseconds: shape.rampMilliseconds))
        stage.prepare(ProcessSpec(sampleRate: sampleRate, maxFrameCount: Renderer.blockSize, channelCount: channelCount))
        return stage
    }

    /// Applies `gains` to `audio`.
    static func apply(_ audio: inout AudioBuffer, shape: ShapeSettings, gains: [Double]) {
        audio.process(with: stage(shape, gains: gains, for: audio), blockSize: Renderer.blockSize)
    }
}
