import HeadroomAnalysis
import HeadroomDSP

/// Keeps the frames of some sections of a streamed master, back to back in the sections' order, and
/// nothing else: what a reference match measures of its first render (`ReferenceProfile`), without keeping
/// the master.
final class SectionsSink: MasterSink {
    /// Each section's frames (those past the master's end never come: the same frames as clamping to it).
    private let ranges: [Range<Int>]
    /// Sections in time order and apart arrive in the order they are put back to back: one buffer.
    private let inOrder: Bool
    private var pieces: [[[Float]]]
    private let sampleRate: Double, channelCount: Int
    private var position = 0

    init(sections: [TimeRange], sampleRate: Double, channelCount: Int) {
        ranges = sections.map { ReferenceProfile.frames(of: $0, sampleRate: sampleRate, frameCount: Int.max) }
        inOrder = zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound }
        (self.sampleRate, self.channelCount) = (sampleRate, channelCount)
        pieces = []
        restart()
    }

    func restart() {
        position = 0
        pieces = Array(repeating: Array(repeating: [], count: channelCount), count: inOrder ? 1 : ranges.count)
        // Room for every frame up front: growing by doubling would hold up to twice the sections for a while.
        for k in pieces.indices {
            let frames = inOrder ? ranges.reduce(0) { $0 + $1.count } : ranges[k].count
            for c in 0..<channelCount { pieces[k][c].reserveCapacity(frames) }
        }
    }

    func add(_ block: [UnsafeBufferPointer<Float>]) {
        let n = block[0].count
        for (k, range) in ranges.enumerated() {
            let lo = max(range.lowerBound, position), hi = min(range.upperBound, position + n)
            guard lo < hi else { continue }
            let piece = inOrder ? 0 : k
            for c in block.indices { pieces[piece][c] += block[c][(lo - position)..<(hi - position)] }
        }
        position += n
    }

    /// The sections back to back (taken: the sink is empty afterwards).
    func takeBackToBack() -> AudioBuffer {
        var channels = pieces.count == 1 ? pieces[0] : [[Float]](repeating: [], count: channelCount)
        if pieces.count > 1 { for piece in pieces { for c in channels.indices { channels[c] += piece[c] } } }
        pieces = []
        return AudioBuffer(sampleRate: sampleRate, channels: channels)
    }
}
