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
