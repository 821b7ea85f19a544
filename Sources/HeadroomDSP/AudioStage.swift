/// What a stage is prepared for: allocate for this, nowhere else.
public struct ProcessSpec: Sendable, Equatable {
    public var sampleRate: Double
    /// The largest block `process` will be given.
    public var maxFrameCount: Int
    public var channelCount: Int

    public init(sampleRate: Double, maxFrameCount: Int, channelCount: Int) {
        self.sampleRate = sampleRate
        self.maxFrameCount = maxFrameCount
        self.channelCount = channelCount
    }
}

/// A block of planar audio, processed in place: one pointer per channel, all `frameCount` long.
public struct AudioBlock {
    public var channels: [UnsafeMutableBufferPointer<Float>]
    public var frameCount: Int { channels.first?.count ?? 0 }

    public init(_ channels: [UnsafeMutableBufferPointer<Float>]) { self.channels = channels }
}

/// A processing stage of the mastering chain (the JUCE / pedalboard shape).
///
/// `prepare` allocates; `process` works in place and never allocates, throws or locks; `reset` clears
/// state and keeps memory; `latencyFrames` says how late the output is (compensated by the chain).
public protocol AudioStage: AnyObject {
    func prepare(_ spec: ProcessSpec)
    func process(_ block: AudioBlock)
    func reset()
    var latencyFrames: Int { get }
}

extension AudioBuffer {
    /// Calls `body` with one mutable pointer per channel for the frames in `range`.
    public mutating func withMutableBlock<R>(_ range: Range<Int>, _ body: (AudioBlock) throws -> R) rethrows -> R {
        // Each channel is moved out while its pointer is in use (no copy: the array stays unique).
        func nest(_ arrays: inout [[Float]], _ c: Int, _ acc: [UnsafeMutableBufferPointer<Float>]) throws -> R {
            if c == arrays.count { return try body(AudioBlock(acc)) }
            var channel = arrays[c]
            arrays[c] = []
            defer { arrays[c] = channel }
            return try channel.withUnsafeMutableBufferPointer { p in
                try nest(&arrays, c + 1, acc + [UnsafeMutableBufferPointer(rebasing: p[range])])
            }
        }
        return try nest(&channels, 0, [])
    }

    /// Runs `stage` over the whole buffer in blocks of `blockSize` frames.
    public mutating func process(with stage: AudioStage, blockSize: Int = 4096) {
        var start = 0
        while start < frameCount {
            let end = min(frameCount, start + blockSize)
            withMutableBlock(start..<end) { stage.process($0) }
            start = end
        }
    }
}
