import Foundation
import HeadroomDSP

/// Stereo statistics per 100 ms sub-block: Σ L², Σ R², Σ L·R for the full band and for the lows
/// (below `lowCrossoverHz`, Linkwitz-Riley 4th order), from which correlation, side-to-mid ratio and
/// low-end width follow for any range.
public struct StereoMeter: Sendable {
    /// Sums over one sub-block.
    public struct Sums: Sendable, Equatable {
        public var ll = 0.0, rr = 0.0, lr = 0.0
        public var lowLL = 0.0, lowRR = 0.0, lowLR = 0.0

        static func + (a: Sums, b: Sums) -> Sums {
            Sums(ll: a.ll + b.ll, rr: a.rr + b.rr, lr: a.lr + b.lr,
                 lowLL: a.lowLL + b.lowLL, lowRR: a.lowRR + b.lowRR, lowLR: a.lowLR + b.lowLR)
        }
    }

    public let lowCrossoverHz: Double
    public let subBlockFrames: Int
    public private(set) var subBlocks: [Sums] = []

    // The LR4 low-pass (two biquads) for both channels at once, a SIMD2 lane each.
    private var low: (MeterBiquad, MeterBiquad)
    private var partial = Sums()
    private var partialFrames = 0

    public init(sampleRate: Double, subBlockFrames: Int, lowCrossoverHz: Double = 150) {
        self.lowCrossoverHz = lowCrossoverHz
        self.subBlockFrames = subBlockFrames
        let lp = MeterBiquad(.lowPass(frequencyHz: lowCrossoverHz, sampleRate: sampleRate))
        low = (lp, lp)
    }

    /// Adds stereo frames.
    public mutating func add(left: UnsafeBufferPointer<Float>, right: UnsafeBufferPointer<Float>) {
        var offset = 0
        let frames = left.count
        while offset < frames {
            let n = min(frames - offset, framesToSubBlockEnd)
            var piece = beginPiece()
            for i in offset..<(offset + n) { piece.step(SIMD2(Double(left[i]), Double(right[i]))) }
            endPiece(piece, frames: n)
            offset += n
        }
    }

    /// Frames until the current sub-block is complete.
    var framesToSubBlockEnd: Int { subBlockFrames - partialFrames }

    /// The running sums and filter states of a stretch within one sub-block, in locals (see `add`).
    struct Piece {
        var f1: MeterBiquad, f2: MeterBiquad
        var squares: SIMD2<Double>, lowSquares: SIMD2<Double>
        var lr: Double, lowLR: Double

        @inline(__always) mutating func step(_ x: SIMD2<Double>) {
            squares = x * x + squares
            lr += x.x * x.y
            let y = f2.process(f1.process(x))
            lowSquares = y * y + lowSquares
            lowLR += y.x * y.y
        }
    }

    func beginPiece() -> Piece {
        Piece(f1: low.0, f2: low.1, squares: SIMD2(partial.ll, partial.rr), lowSquares: SIMD2(partial.lowLL, partial.lowRR),
              lr: partial.lr, lowLR: partial.lowLR)
    }

    mutating func endPiece(_ p: Piece, frames n: Int) {
        low = (p.f1, p.f2)
        partial = Sums(ll: p.squares.x, rr: p.squares.y, lr: p.lr, lowLL: p.lowSquares.x, lowRR: p.lowSquares.y, lowLR: p.lowLR)
        partialFrames += n
        if partialFrames == subBlockFrames {
            subBlocks.append(partial)
            partial = Sums()
            partialFrames = 0
        }
    }

    /// The sums over a range of sub-blocks.
    public func total(_ range: Range<Int>) -> Sums {
        subBlocks[range].reduce(Sums(), +)
    }

    /// Pearson correlation of L and R (1 = mono, 0 = unrelated, −1 = one channel inverted); 1 for silence.
    public static func correlation(ll: Double, rr: Double, lr: Double) -> Double {
        let d = (ll * rr).squareRoot()
        return d > 1e-12 ? max(-1, min(1, lr / d)) : 1
    }

    /// Side energy over mid energy in dB (−∞ for mono).
    public static func sideToMidDB(ll: Double, rr: Double, lr: Double) -> Double {
        let mid = (ll + rr + 2 * lr) / 4, side = (ll + rr - 2 * lr) / 4
        if side <= 1e-15 { return Decibels.floorDB }
        if mid <= 1e-15 { return 60 }
        return 10 * log10(side / mid)
    }
}
