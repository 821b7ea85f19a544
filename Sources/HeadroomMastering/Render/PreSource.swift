import HeadroomAnalysis
import HeadroomDSP

/// The limiter's input for each whole-song pass: the chain's output kept whole, or recomputed from the mix
/// block by block for every pass (a long input: no second copy of the song in memory; read from its file,
/// no copy at all). Both give the same samples: the chain runs on the same blocks.
enum PreSource {
    case stored(AudioBuffer)
    case live(mix: any AudioSource, plan: MasteringPlan)

    var sampleRate: Double {
        switch self { case .stored(let b): return b.sampleRate; case .live(let m, _): return m.sampleRate }
    }
    var channelCount: Int {
        switch self { case .stored(let b): return b.channelCount; case .live(let m, _): return m.channelCount }
    }
    var frameCount: Int {
        switch self { case .stored(let b): return b.frameCount; case .live(let m, _): return m.frameCount }
    }

    /// Calls `body` with the chain's output, block by block, in order.
    func forEachBlock(_ body: ([UnsafeBufferPointer<Float>]) -> Void) {
        switch self {
        case .stored(let pre):
            var start = 0
            while start < pre.frameCount {
                let end = min(pre.frameCount, start + Renderer.blockSize)
                pre.withChannelPointers(start..<end) { body($0) }
                start = end
            }
        case .live(let mix, let plan):
            let chain = PreChain(plan: plan, sampleRate: mix.sampleRate, channelCount: mix.channelCount, measuresRanges: false)
            Self.run(chain, over: mix) { body($0.readOnly) }
        }
    }

    /// Runs `chain` over `mix` in blocks of `Renderer.blockSize` from its start (whatever blocks the source
    /// hands over), through a scratch block; `body` sees each processed block.
    static func run(_ chain: PreChain, over mix: any AudioSource, _ body: (AudioBlock) -> Void) {
        var scratch = AudioBuffer(sampleRate: mix.sampleRate, channelCount: mix.channelCount, frameCount: Renderer.blockSize)
        var filled = 0
        func runScratch() {
            scratch.withMutableBlock(0..<filled) { block in
                chain.process(block)
                body(block)
            }
            filled = 0
        }
        mix.forEachBlock(0..<mix.frameCount) { block in
            var offset = 0
            while offset < block[0].count {
                let take = min(Renderer.blockSize - filled, block[0].count - offset)
                for c in block.indices {
                    scratch.channels[c].withUnsafeMutableBufferPointer { s in
                        (s.baseAddress! + filled).update(from: block[c].baseAddress! + offset, count: take)
                    }
                }
                filled += take
                offset += take
                if filled == Renderer.blockSize { runScratch() }
            }
        }
        if filled > 0 { runScratch() }
    }
}

/// A loudness meter that takes a stream of blocks and measures only the frames in `range` (a section).
struct RangeMeter {
    var meter: LoudnessMeter
    let range: Range<Int>
    private var position = 0

    init(sampleRate: Double, channelCount: Int, range: Range<Int>) {
        meter = LoudnessMeter(sampleRate: sampleRate, channelCount: channelCount)
        self.range = range
    }

    mutating func add(_ block: [UnsafeBufferPointer<Float>]) {
        let n = block[0].count
        let lo = max(range.lowerBound, position), hi = min(range.upperBound, position + n)
        if lo < hi { meter.add(block.map { UnsafeBufferPointer(rebasing: $0[(lo - position)..<(hi - position)]) }) }
        position += n
    }

    var integratedLUFS: Double { meter.integratedLUFS() }
}
