import Dispatch
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
    func process(_ block: AudioBlock) { process(block, stages: stages.indices) }

    /// Runs one block through `range` of the stages.
    private func process(_ block: AudioBlock, stages range: Range<Int>) {
        for stage in stages[range] {
            stage.process(block)
            if stage is SectionGainStage, afterSectionGain != nil { afterSectionGain!.add(block.readOnly) }
            if stage === compressor, afterCompressor != nil { afterCompressor!.add(block.readOnly) }
        }
    }

    /// The stages the second thread runs in `run(_:into:)`: up to the EQ (about half the work, with the
    /// meter after section gain).
    static let firstThreadStages = 3

    /// Runs the chain over `channels` in place, block by block, on two threads: the first runs the first
    /// stages, this one the rest a block behind. Each stage sees the blocks it sees in `process`, so the
    /// output is the same.
    func run(_ channels: [UnsafeMutableBufferPointer<Float>]) {
        let frames = channels[0].count, blockSize = Renderer.blockSize
        let blockCount = (frames + blockSize - 1) / blockSize
        let split = Self.firstThreadStages
        @Sendable func block(_ k: Int, _ channels: [UnsafeMutableBufferPointer<Float>]) -> AudioBlock {
            let range = (k * blockSize)..<min(frames, (k + 1) * blockSize)
            return AudioBlock(channels.map { UnsafeMutableBufferPointer(rebasing: $0[range]) })
        }
        let ready = DispatchSemaphore(value: 0)
        let first = DispatchGroup()
        let work = UnsafeSendable(value: (channels, self))
        DispatchQueue.global(qos: .userInitiated).async(group: first) {
            let (channels, chain) = work.value
            for k in 0..<blockCount {
                chain.process(block(k, channels), stages: 0..<split)
                ready.signal()
            }
        }
        for k in 0..<blockCount {
            ready.wait()
            process(block(k, channels), stages: split..<stages.count)
        }
        first.wait()
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

/// A value handed to another thread whose use the caller orders itself (here by a semaphore and a group).
struct UnsafeSendable<T>: @unchecked Sendable { let value: T }
