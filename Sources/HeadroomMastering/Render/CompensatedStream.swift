import HeadroomDSP

/// Stages run over a stream of blocks of any size, latency compensated: what comes out lines up with what
/// went in, frame for frame, and is as long. The stages always see the same blocks (`Renderer.blockSize`
/// frames from the stream's start, the last one short, then the latency's flush of zeros), so a stream
/// gives the same samples as one whole buffer run through them.
final class CompensatedStream {
    let stages: [AudioStage]
    let latency: Int
    private var scratch: AudioBuffer
    private var filled = 0
    private var pushed = 0, emitted = 0, dropped = 0

    init(stages: [AudioStage], sampleRate: Double, channelCount: Int) {
        self.stages = stages
        let spec = ProcessSpec(sampleRate: sampleRate, maxFrameCount: Renderer.blockSize, channelCount: channelCount)
        for stage in stages { stage.prepare(spec) }
        latency = stages.reduce(0) { $0 + $1.latencyFrames }
        scratch = AudioBuffer(sampleRate: sampleRate, channelCount: channelCount, frameCount: Renderer.blockSize)
    }

    /// Adds frames (one buffer per channel); `emit` receives the output that is ready, in order.
    func push(_ block: [UnsafeBufferPointer<Float>], _ emit: ([UnsafeBufferPointer<Float>]) -> Void) {
        let n = block[0].count
        var offset = 0
        while offset < n {
            let take = min(Renderer.blockSize - filled, n - offset)
            for c in block.indices {
                scratch.channels[c].withUnsafeMutableBufferPointer { s in
                    (s.baseAddress! + filled).update(from: block[c].baseAddress! + offset, count: take)
                }
            }
            filled += take
            offset += take
            pushed += take
            if filled == Renderer.blockSize { runScratch(emit) }
        }
    }

    /// Runs what is left and the latency's flush; `emit` receives the rest of the output.
    func finish(_ emit: ([UnsafeBufferPointer<Float>]) -> Void) {
        if filled > 0 { runScratch(emit) }
        var flushed = 0
        while flushed < latency {
            filled = min(Renderer.blockSize, latency - flushed)
            for c in scratch.channels.indices {
                scratch.channels[c].withUnsafeMutableBufferPointer { s in s.baseAddress!.update(repeating: 0, count: filled) }
            }
            flushed += filled
            runScratch(emit)
        }
    }

    private func runScratch(_ emit: ([UnsafeBufferPointer<Float>]) -> Void) {
        let count = filled
        filled = 0
        scratch.withMutableBlock(0..<count) { block in Denormals.flushed { for stage in stages { stage.process(block) } } }
        let skip = min(count, latency - dropped)
        dropped += skip
        let out = min(count - skip, pushed - emitted)
        guard out > 0 else { return }
        emitted += out
        scratch.withChannelPointers(skip..<(skip + out)) { emit($0) }
    }
}

extension AudioBuffer {
    /// A new buffer filled from blocks handed over in order (`frameCount` frames in all).
    static func collecting(sampleRate: Double, channelCount: Int, frameCount: Int,
                           _ produce: ((([UnsafeBufferPointer<Float>]) -> Void)) -> Void) -> AudioBuffer {
        var output = AudioBuffer(sampleRate: sampleRate, channelCount: channelCount, uninitializedFrameCount: frameCount)
        var at = 0
        produce { block in
            let n = block[0].count
            for c in block.indices {
                output.channels[c].withUnsafeMutableBufferPointer { o in
                    (o.baseAddress! + at).update(from: block[c].baseAddress!, count: n)
                }
            }
            at += n
        }
        precondition(at == frameCount, "collected \(at) of \(frameCount) frames")
        return output
    }
}
