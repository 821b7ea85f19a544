import Foundation
import HeadroomDSP

/// A BS.1770-4 / EBU R128 loudness meter, shaped like libebur128: create it, `add` frames, then query.
///
/// It keeps the K-weighted energy of every 100 ms sub-block, from which momentary (400 ms), short-term
/// (3 s), integrated (gated 400 ms blocks with 75 % overlap) loudness and loudness range (Tech 3342) are
/// derived, for the whole file or any range of sub-blocks (a section). Channels are weighted 1.0 (mono
/// and stereo only); a mono file is measured as one channel, as libebur128 does.
public struct LoudnessMeter: Sendable {
    /// What to measure beyond the standard quantities.
    public struct Mode: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Also keep the energy of the stereo signal folded to mono ((L+R)/2 on both speakers).
        public static let monoFold = Mode(rawValue: 1)
        /// Also keep each channel's energy (for left/right balance).
        public static let perChannel = Mode(rawValue: 2)
    }

    public let sampleRate: Double
    public let channelCount: Int
    public let mode: Mode
    /// Frames in one 100 ms sub-block (as libebur128: (rate + 5) / 10).
    public let subBlockFrames: Int

    /// Sum over channels of the mean square of the K-weighted signal, per complete 100 ms sub-block.
    public private(set) var subBlockEnergies: [Double] = []
    /// Mean square of the mono fold-down, counted on two speakers, per sub-block (mode `.monoFold`).
    public private(set) var monoFoldEnergies: [Double] = []
    /// Mean square per channel per sub-block (mode `.perChannel`).
    public private(set) var channelEnergies: [[Double]]

    // Both channels' K-weighting filters in SIMD2 lanes (lane 1 idles on mono).
    private var shelf: MeterBiquad
    private var highPass: MeterBiquad
    private var partialFrames = 0
    private var partialChannel = SIMD2<Double>()
    /// The current sub-block's (L + R)² (not yet halved).
    private var partialMono = 0.0

    public init(sampleRate: Double, channelCount: Int, mode: Mode = []) {
        precondition(channelCount == 1 || channelCount == 2)
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.mode = mode
        subBlockFrames = (Int(sampleRate.rounded()) + 5) / 10
        shelf = MeterBiquad(KWeighting.shelf(sampleRate: sampleRate))
        highPass = MeterBiquad(KWeighting.highPass(sampleRate: sampleRate))
        channelEnergies = Array(repeating: [], count: channelCount)
    }

    /// Adds frames: one buffer per channel, all of the same length.
    public mutating func add(_ channels: [UnsafeBufferPointer<Float>]) {
        precondition(channels.count == channelCount)
        Denormals.flushed { addFlushed(channels) }
    }

    private mutating func addFlushed(_ channels: [UnsafeBufferPointer<Float>]) {
        let frames = channels[0].count
        let left = channels[0], right = channelCount == 2 ? channels[1] : nil
        var offset = 0
        let wantMono = mode.contains(.monoFold) && channelCount == 2
        while offset < frames {
            let n = min(frames - offset, framesToSubBlockEnd)
            var piece = beginPiece()
            KWeightingKernel.run(UnsafeBufferPointer(rebasing: left[offset..<(offset + n)]),
                                 right.map { UnsafeBufferPointer(rebasing: $0[offset..<(offset + n)]) },
                                 shelf: &piece.s, highPass: &piece.h, energy: &piece.sum, mono: &piece.mono, foldsMono: wantMono)
            endPiece(piece, frames: n)
            offset += n
        }
    }

    /// Frames until the current sub-block is complete.
    var framesToSubBlockEnd: Int { subBlockFrames - partialFrames }

    /// The filter states and sums of a stretch within one sub-block (see `add`).
    struct Piece {
        var s: MeterBiquad, h: MeterBiquad
        var sum = SIMD2<Double>(), mono = 0.0
    }

    /// A piece goes on from the sub-block's running sums, so the sums are added in the same order however
    /// the frames are split into calls: a stream of blocks measures what one whole buffer measures, bit for bit.
    func beginPiece() -> Piece { Piece(s: shelf, h: highPass, sum: partialChannel, mono: partialMono) }

    mutating func endPiece(_ piece: Piece, frames n: Int) {
        shelf = piece.s; highPass = piece.h
        partialChannel = piece.sum
        partialMono = piece.mono
        partialFrames += n
        if partialFrames == subBlockFrames {
            let norm = 1 / Double(subBlockFrames)
            subBlockEnergies.append((partialChannel.x + partialChannel.y) * norm)
            // The fold counted on two speakers: (L + R)² / 2.
            if mode.contains(.monoFold) && channelCount == 2 { monoFoldEnergies.append(partialMono / 2 * norm) }
            if mode.contains(.perChannel) {
                for c in 0..<channelCount { channelEnergies[c].append(partialChannel[c] * norm) }
            }
            partialFrames = 0; partialChannel = .zero; partialMono = 0
        }
    }

    /// Adds stereo frames to a loudness meter (with the mono fold) and a stereo meter together, in one loop
    /// (`FusedMeters`, in C): their filters' recursions run side by side. The same sums as two `add` calls.
    static func add(left: UnsafeBufferPointer<Float>, right: UnsafeBufferPointer<Float>,
                    to loudness: inout LoudnessMeter, and stereo: inout StereoMeter) {
        precondition(loudness.channelCount == 2 && loudness.mode.contains(.monoFold)
                     && loudness.framesToSubBlockEnd == stereo.framesToSubBlockEnd && loudness.subBlockFrames == stereo.subBlockFrames)
        var offset = 0
        let frames = left.count
        while offset < frames {
            let n = min(frames - offset, loudness.framesToSubBlockEnd)
            var a = loudness.beginPiece(), b = stereo.beginPiece()
            var sums = FusedMeters.Sums()
            (sums.energy, sums.mono) = (a.sum, a.mono)
            (sums.squares, sums.product, sums.lowSquares, sums.lowProduct) = (b.squares, b.lr, b.lowSquares, b.lowLR)
            FusedMeters.run(UnsafeBufferPointer(rebasing: left[offset..<(offset + n)]), UnsafeBufferPointer(rebasing: right[offset..<(offset + n)]),
                            shelf: &a.s, highPass: &a.h, low1: &b.f1, low2: &b.f2, sums: &sums)
            (a.sum, a.mono) = (sums.energy, sums.mono)
            (b.squares, b.lr, b.lowSquares, b.lowLR) = (sums.squares, sums.product, sums.lowSquares, sums.lowProduct)
            loudness.endPiece(a, frames: n)
            stereo.endPiece(b, frames: n)
            offset += n
        }
    }

    /// Clears all state and measurements.
    public mutating func reset() {
        self = LoudnessMeter(sampleRate: sampleRate, channelCount: channelCount, mode: mode)
    }

    /// Number of complete sub-blocks measured.
    public var subBlockCount: Int { subBlockEnergies.count }
    /// Seconds per sub-block.
    public var subBlockSeconds: Double { Double(subBlockFrames) / sampleRate }
}

extension LoudnessMeter {
    /// Loudness of a mean-square energy: −0.691 + 10·log10(e), or −∞ for zero.
    @inlinable public static func lufs(energy: Double) -> Double {
        energy > 0 ? -0.691 + 10 * log10(energy) : -.infinity
    }

    /// Energy of a loudness: the inverse of `lufs(energy:)`.
    @inlinable public static func energy(lufs: Double) -> Double { pow(10, (lufs + 0.691) / 10) }

    /// Energy of the window of `length` sub-blocks ending at sub-block `end` (inclusive), with sub-blocks
    /// before the start counted as silence, as libebur128 does.
    static func windowEnergy(_ e: [Double], end: Int, length: Int) -> Double {
        var sum = 0.0
        for i in max(0, end - length + 1)...end { sum += e[i] }
        return sum / Double(length)
    }

    /// Gated loudness (BS.1770-4) of `energies` over the 400 ms blocks inside `range` of sub-blocks.
    static func gatedLoudness(_ energies: [Double], range: Range<Int>) -> Double {
        guard range.count >= 4 else { return -.infinity }
        var blocks: [Double] = []
        blocks.reserveCapacity(range.count)
        var running = 0.0
        for i in range {
            running += energies[i]
            if i - range.lowerBound >= 4 { running -= energies[i - 4] }
            if i - range.lowerBound >= 3 { blocks.append(running / 4) }
        }
        let absoluteGate = energy(lufs: -70)
        let aboveAbsolute = blocks.filter { $0 >= absoluteGate }
        guard !aboveAbsolute.isEmpty else { return -.infinity }
        let relativeGate = aboveAbsolute.reduce(0, +) / Double(aboveAbsolute.count) * pow(10, -10.0 / 10)
        let gated = aboveAbsolute.filter { $0 >= relativeGate }
        return lufs(energy: gated.reduce(0, +) / Double(gated.count))
    }

    /// Integrated loudness (LUFS) of sub-block energies that were changed after metering, e.g. scaled by a
    /// later gain: the same gating as `integratedLUFS`.
    public static func integratedLUFS(subBlockEnergies e: [Double]) -> Double { gatedLoudness(e, range: 0..<e.count) }

    /// Integrated loudness in LUFS over `range` of sub-blocks (whole file when nil); −∞ if everything is
    /// below the −70 LUFS gate.
    public func integratedLUFS(subBlocks range: Range<Int>? = nil) -> Double {
        Self.gatedLoudness(subBlockEnergies, range: range ?? 0..<subBlockCount)
    }

    /// Integrated loudness of the mono fold-down (mode `.monoFold`).
    public func monoFoldIntegratedLUFS(subBlocks range: Range<Int>? = nil) -> Double {
        Self.gatedLoudness(monoFoldEnergies, range: range ?? 0..<monoFoldEnergies.count)
    }

    /// Integrated loudness of one channel alone (mode `.perChannel`).
    public func channelIntegratedLUFS(_ channel: Int) -> Double {
        Self.gatedLoudness(channelEnergies[channel], range: 0..<channelEnergies[channel].count)
    }

    /// Momentary loudness (400 ms) ending at each sub-block.
    public var momentaryLUFS: [Double] {
        (0..<subBlockCount).map { Self.lufs(energy: Self.windowEnergy(subBlockEnergies, end: $0, length: 4)) }
    }

    /// Short-term loudness (3 s) ending at each sub-block: the 10 Hz curve.
    public var shortTermLUFS: [Double] {
        Self.slidingWindow(subBlockEnergies, length: 30).map { Self.lufs(energy: $0) }
    }

    /// Mean energy over a sliding window of `length` sub-blocks ending at each sub-block.
    static func slidingWindow(_ e: [Double], length: Int) -> [Double] {
        var out = [Double](repeating: 0, count: e.count)
        var running = 0.0
        for i in e.indices {
            running += e[i]
            if i >= length { running -= e[i - length] }
            out[i] = max(0, running) / Double(length)
        }
        return out
    }

    /// Largest momentary loudness over complete 400 ms windows.
    public var maxMomentaryLUFS: Double {
        let m = momentaryLUFS
        return (m.count >= 4 ? m[3...] : m[...]).max() ?? -.infinity
    }

    /// Largest short-term loudness over complete 3 s windows (or over what there is, for shorter files).
    public var maxShortTermLUFS: Double {
        let s = shortTermLUFS
        return (s.count >= 30 ? s[29...] : s[...]).max() ?? -.infinity
    }

    /// Loudness range (EBU Tech 3342) in LU over `range` of sub-blocks: the short-term values (3 s windows,
    /// 10 Hz), gated at −70 LUFS and 20 LU below their mean, from the 10th to the 95th percentile.
    public func loudnessRangeLU(subBlocks range: Range<Int>? = nil) -> Double {
        let r = range ?? 0..<subBlockCount
        guard r.count >= 30 else { return 0 }
        let windows = Self.slidingWindow(Array(subBlockEnergies[r]), length: 30)[29...]
        let absoluteGate = Self.energy(lufs: -70)
        let above = windows.filter { $0 >= absoluteGate }
        guard !above.isEmpty else { return 0 }
        let relativeGate = above.reduce(0, +) / Double(above.count) * pow(10, -20.0 / 10)
        let loudness = above.filter { $0 >= relativeGate }.map { Self.lufs(energy: $0) }.sorted()
        guard loudness.count > 1 else { return 0 }
        func percentile(_ p: Double) -> Double {
            let x = p * Double(loudness.count - 1)
            let lo = Int(x.rounded(.down)), hi = min(lo + 1, loudness.count - 1)
            return loudness[lo] + (loudness[hi] - loudness[lo]) * (x - Double(lo))
        }
        return percentile(0.95) - percentile(0.10)
    }
}
