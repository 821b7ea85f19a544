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
            chain.run(over: mix) { body($0.readOnly) }
        }
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
