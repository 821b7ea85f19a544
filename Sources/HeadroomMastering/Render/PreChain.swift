import HeadroomAnalysis
import HeadroomDSP

/// Everything before the limiter (section gain → clean-up → EQ → width → compressor → transient shaper →
/// stereo lows), prepared once and run block by block, with the loudness meters that tell each stage's
/// share of the loudness range: after section gain (when it is on) and after the compressor (when the
/// shaper is on). The same blocks give the same output whether the chain's output is kept whole or
/// recomputed for every pass.
final class PreChain {
    let stages: [AudioStage]
    let compressor: GlueCompressorStage
    let shaper: TransientShaperStage
    private(set) var afterSectionGain: LoudnessMeter?
    private(set) var afterCompressor: LoudnessMeter?

    init(plan: MasteringPlan, sampleRate: Double, channelCount: Int, measuresRanges: Bool = true) {
        compressor = GlueCompressorStage(settings: plan.compressor)
        shaper = TransientShaperStage(settings: plan.transient ?? TransientSettings())
        stages = [
            SectionGainStage(settings: plan.sectionGain), CleanupStage(settings: plan.cleanup),
            ToneEQStage(settings: plan.eq), WidthStage(settings: plan.width ?? WidthSettings()), compressor, shaper,
            StereoLowsStage(settings: plan.stereoLows),
        ]
        let spec = ProcessSpec(sampleRate: sampleRate, maxFrameCount: Renderer.blockSize, channelCount: channelCount)
        for stage in stages { stage.prepare(spec) }
        if measuresRanges && plan.sectionGain.enabled { afterSectionGain = LoudnessMeter(sampleRate: sampleRate, channelCount: channelCount) }
        if measuresRanges && shaper.isActive { afterCompressor = LoudnessMeter(sampleRate: sampleRate, channelCount: channelCount) }
    }

    /// Runs one block (at most `Renderer.blockSize` frames) through every stage, in place.
    func process(_ block: AudioBlock) {
        for stage in stages {
            stage.process(block)
            if stage is SectionGainStage, afterSectionGain != nil { afterSectionGain!.add(block.readOnly) }
            if stage === compressor, afterCompressor != nil { afterCompressor!.add(block.readOnly) }
        }
    }

    /// What the chain measured, once the whole song has been through it.
    var transientStats: TransientStats {
        TransientStats(meanShapedDB: shaper.meanShapedDB, rangeAfterCompressorLU: afterCompressor?.loudnessRangeLU())
    }
}

extension AudioBlock {
    /// The block's channels, read-only (for meters).
    var readOnly: [UnsafeBufferPointer<Float>] { channels.map { UnsafeBufferPointer($0) } }
}
