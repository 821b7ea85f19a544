/// Planar audio in memory: one `[Float]` per channel, all of the same length.
///
/// Headroom keeps audio planar inside; interleaving happens only at the file edge (`HeadroomIO`).
public struct AudioBuffer: Sendable, Equatable {
    /// Samples per second.
    public var sampleRate: Double
    /// One array per channel (1 = mono, 2 = stereo: left, right).
    public var channels: [[Float]]

    /// Creates a buffer from planar channels. All channels must have the same length.
    public init(sampleRate: Double, channels: [[Float]]) {
        precondition(!channels.isEmpty, "an AudioBuffer needs at least one channel")
        precondition(channels.allSatisfy { $0.count == channels[0].count }, "channels differ in length")
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// A silent buffer.
    public init(sampleRate: Double, channelCount: Int, frameCount: Int) {
        self.init(sampleRate: sampleRate,
                  channels: Array(repeating: [Float](repeating: 0, count: frameCount), count: channelCount))
    }

    /// A buffer whose samples the caller writes in full before reading any (no zero fill: a whole song's
    /// memory is touched once, by whoever fills it).
    public init(sampleRate: Double, channelCount: Int, uninitializedFrameCount frameCount: Int) {
        self.init(sampleRate: sampleRate, channels: (0..<channelCount).map { _ in
            [Float](unsafeUninitializedCapacity: frameCount) { _, count in count = frameCount }
        })
    }

    /// Number of channels.
    public var channelCount: Int { channels.count }
    /// Number of frames (samples per channel).
    public var frameCount: Int { channels[0].count }
    /// Length in seconds.
    public var durationSeconds: Double { Double(frameCount) / sampleRate }

    /// Every sample multiplied by `gainDB` (as an amplitude).
    public mutating func applyGain(dB gainDB: Double) {
        let g = Float(Decibels.toAmplitude(gainDB))
        for c in channels.indices { channels[c].withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= g } } }
    }

    /// The frames `range` as a new buffer.
    public func slice(_ range: Range<Int>) -> AudioBuffer {
        AudioBuffer(sampleRate: sampleRate, channels: channels.map { Array($0[range]) })
    }

    /// Calls `body` with one buffer pointer per channel for the frames in `range`.
    public func withChannelPointers<R>(_ range: Range<Int>, _ body: ([UnsafeBufferPointer<Float>]) throws -> R) rethrows -> R {
        try Self.withPointers(channels, range, body)
    }

    /// Calls `body` with one buffer pointer per array for the elements in `range` (planar scratch handed on
    /// as a block).
    public static func withPointers<R>(_ arrays: [[Float]], _ range: Range<Int>,
                                       _ body: ([UnsafeBufferPointer<Float>]) throws -> R) rethrows -> R {
        func nest(_ c: Int, _ acc: [UnsafeBufferPointer<Float>]) throws -> R {
            if c == arrays.count { return try body(acc) }
            return try arrays[c].withUnsafeBufferPointer { p in
                try nest(c + 1, acc + [UnsafeBufferPointer(rebasing: p[range])])
            }
        }
        return try nest(0, [])
    }
}
