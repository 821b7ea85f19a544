/// Audio a job reads in order, as often as it needs: a buffer in memory, or a file decoded again for every
/// pass (a long mix, never held whole). Planning reads its sections, a render reads it once per pass.
public protocol AudioSource {
    var sampleRate: Double { get }
    var channelCount: Int { get }
    var frameCount: Int { get }
    /// Calls `body` with the frames in `range`, in order, in blocks of any size (one buffer per channel).
    func forEachBlock(_ range: Range<Int>, _ body: ([UnsafeBufferPointer<Float>]) -> Void)
}

extension AudioBuffer: AudioSource {
    /// The range in one block: the buffer's own memory, no copy.
    public func forEachBlock(_ range: Range<Int>, _ body: ([UnsafeBufferPointer<Float>]) -> Void) {
        withChannelPointers(range) { body($0) }
    }
}

/// A source read at another sample rate, resampled as it is read (libsoxr, block by block: the samples
/// `Resampler.resample` gives of the whole): a long mix rendered at a new rate without holding it.
public struct ResampledSource: AudioSource {
    public let source: any AudioSource
    public let sampleRate: Double
    public var channelCount: Int { source.channelCount }
    /// The frames `Resampler.resample` gives.
    public var frameCount: Int { Int((Double(source.frameCount) * sampleRate / source.sampleRate).rounded()) }

    public init(_ source: any AudioSource, to sampleRate: Double) {
        self.source = source
        self.sampleRate = sampleRate
    }

    /// Resamples the source from its start (the resampler's state depends on all that came before) and hands
    /// over the frames in `range`.
    public func forEachBlock(_ range: Range<Int>, _ body: ([UnsafeBufferPointer<Float>]) -> Void) {
        let stream = Resampler.Stream(channelCount: channelCount, from: source.sampleRate, to: sampleRate)
        var position = 0
        func hand(_ block: [UnsafeBufferPointer<Float>]) {
            let n = block[0].count, lo = max(range.lowerBound, position), hi = min(range.upperBound, position + n)
            if lo < hi { body(block.map { UnsafeBufferPointer(rebasing: $0[(lo - position)..<(hi - position)]) }) }
            position += n
        }
        source.forEachBlock(0..<source.frameCount) { stream.process($0, hand) }
        stream.finish(hand)
    }
}
