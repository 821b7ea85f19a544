import HeadroomAnalysis
import HeadroomDSP

/// Measures the profile of some sections of a streamed master as it goes by (`ReferenceProfile.Meter`, the
/// sections back to back in their order), keeping none of it: what a reference match measures of its
/// master. Sections out of time order (or overlapping) cannot be fed as they come: those are kept, each
/// whole, and measured at the end. A reference read from its file is measured the same way.
public final class SectionsSink: MasterSink {
    /// Each section's frames (those past the master's end never come: the same frames as clamping to it).
    private let ranges: [Range<Int>]
    /// Sections in time order and apart arrive in the order they are put back to back: measured as they come.
    private let inOrder: Bool
    private var meter: ReferenceProfile.Meter
    /// The kept sections (out of order only).
    private var pieces: [[[Float]]] = []
    private let sampleRate: Double, channelCount: Int
    private var position = 0

    public init(sections: [TimeRange], sampleRate: Double, channelCount: Int) {
        ranges = sections.map { ReferenceProfile.frames(of: $0, sampleRate: sampleRate, frameCount: Int.max) }
        inOrder = zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound }
        (self.sampleRate, self.channelCount) = (sampleRate, channelCount)
        meter = ReferenceProfile.Meter(sampleRate: sampleRate, channelCount: channelCount)
        restart()
    }

    public func restart() {
        position = 0
        meter = ReferenceProfile.Meter(sampleRate: sampleRate, channelCount: channelCount)
        pieces = inOrder ? [] : Array(repeating: Array(repeating: [], count: channelCount), count: ranges.count)
    }

    public func add(_ block: [UnsafeBufferPointer<Float>]) {
        let n = block[0].count
        for (k, range) in ranges.enumerated() {
            let lo = max(range.lowerBound, position), hi = min(range.upperBound, position + n)
            guard lo < hi else { continue }
            let part = block.map { UnsafeBufferPointer(rebasing: $0[(lo - position)..<(hi - position)]) }
            if inOrder { meter.add(part) } else { for c in part.indices { pieces[k][c] += part[c] } }
        }
        position += n
    }

    /// The sections' profile, given the master's integrated loudness (the sink starts over afterwards).
    public func profile(integratedLUFS: Double, name: String, ranges sections: [TimeRange]) -> ReferenceProfile {
        for piece in pieces { meter.add(AudioBuffer(sampleRate: sampleRate, channels: piece)) }
        let profile = meter.profile(integratedLUFS: integratedLUFS, name: name, ranges: sections)
        restart()
        return profile
    }
}
