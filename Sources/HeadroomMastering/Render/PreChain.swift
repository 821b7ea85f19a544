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

    /// Runs one block through `range` of the stages.
    private func process(_ block: AudioBlock, stages range: Range<Int>) {
        Denormals.flushed {
            for stage in stages[range] {
                stage.process(block)
                if stage is SectionGainStage, afterSectionGain != nil { afterSectionGain!.add(block.readOnly) }
                if stage === compressor, afterCompressor != nil { afterCompressor!.add(block.readOnly) }
            }
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

    /// Runs the chain over `mix` (read in order, from memory or its file) on two threads: another thread
    /// reads it into blocks of `Renderer.blockSize` from its start and runs the first stages, this one the
    /// rest a block behind, then hands each block to `body`. Each stage sees the blocks it sees in
    /// `process`, so the output is the same as one thread's.
    func run(over mix: any AudioSource, _ body: (AudioBlock) -> Void) {
        let size = Renderer.blockSize, channels = mix.channelCount, slots = Self.pipelineSlots
        let ring = BlockRing(slots: slots, channelCount: channels, frames: size)
        defer { ring.deallocate() }
        let free = DispatchSemaphore(value: slots), ready = DispatchSemaphore(value: 0)
        let reader = DispatchGroup()
        let split = Self.firstThreadStages
        let work = UnsafeSendable(value: (mix, self))
        DispatchQueue.global(qos: .userInitiated).async(group: reader) {
            let (mix, chain) = work.value
            var slot = 0, filled = 0
            func hand(_ n: Int) {
                if n > 0 { chain.process(ring.block(slot, n), stages: 0..<split) }
                ring.counts[slot] = n
                ready.signal()
                slot = (slot + 1) % slots
                filled = 0
            }
            mix.forEachBlock(0..<mix.frameCount) { b in
                var offset = 0
                while offset < b[0].count {
                    if filled == 0 { free.wait() }
                    let take = min(size - filled, b[0].count - offset)
                    for c in 0..<channels {
                        (ring.start(slot, c) + filled).update(from: b[c].baseAddress! + offset, count: take)
                    }
                    filled += take
                    offset += take
                    if filled == size { hand(size) }
                }
            }
            if filled > 0 { hand(filled) }
            free.wait()
            hand(0)  // the end
        }
        var k = 0
        while true {
            ready.wait()
            let n = ring.counts[k]
            // Every slot taken is given back (a semaphore must end at its initial count).
            if n == 0 { free.signal(); break }
            let b = ring.block(k, n)
            process(b, stages: split..<stages.count)
            body(b)
            free.signal()
            k = (k + 1) % slots
        }
        reader.wait()
    }

    /// Blocks the reading thread may run ahead of this one.
    static let pipelineSlots = 8

    /// What the chain measured, once the whole song has been through it.
    var transientStats: TransientStats {
        TransientStats(meanShapedDB: shaper.meanShapedDB, rangeAfterCompressorLU: afterCompressor?.loudnessRangeLU())
    }
}

/// Blocks of raw memory handed between two threads in turn (their order kept by the caller's semaphores).
struct BlockRing: @unchecked Sendable {
    let memory: UnsafeMutablePointer<Float>
    /// Frames in each slot's block (0: the end).
    let counts: UnsafeMutablePointer<Int>
    let channelCount: Int, frames: Int

    init(slots: Int, channelCount: Int, frames: Int) {
        memory = .allocate(capacity: slots * channelCount * frames)
        counts = .allocate(capacity: slots)
        self.channelCount = channelCount; self.frames = frames
    }

    func start(_ slot: Int, _ channel: Int) -> UnsafeMutablePointer<Float> { memory + (slot * channelCount + channel) * frames }

    /// The first `n` frames of `slot`.
    func block(_ slot: Int, _ n: Int) -> AudioBlock {
        AudioBlock((0..<channelCount).map { UnsafeMutableBufferPointer(start: start(slot, $0), count: n) })
    }

    func deallocate() { memory.deallocate(); counts.deallocate() }
}

extension AudioBlock {
    /// The block's channels, read-only (for meters).
    var readOnly: [UnsafeBufferPointer<Float>] { channels.map { UnsafeBufferPointer($0) } }
}

/// A value handed to another thread whose use the caller orders itself (here by a semaphore and a group).
struct UnsafeSendable<T>: @unchecked Sendable { let value: T }
