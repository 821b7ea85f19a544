import CHeadroomKernels

/// TPDF dither and quantization to a fixed word length.
///
/// Each sample gets the sum of two independent uniform values of ±0.5 LSB (a triangular distribution
/// over ±1 LSB) before rounding, which decorrelates the quantization error from the signal: no
/// truncation distortion, a constant noise floor. Seeded, so renders are reproducible.
public struct TPDFDither: Sendable {
    @usableFromInline var rng: SplitMix64
    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// The next dither value in LSB (−1 ... 1, triangular): the two uniform values (±0.5 LSB, 32 bits
    /// each) are the two halves of one 64-bit draw.
    @inlinable
    public mutating func next() -> Float {
        let z = rng.next()
        let scale: Float = 1.0 / 4_294_967_296  // 2^-32: a signed 32-bit integer to ±0.5
        return Float(Int32(truncatingIfNeeded: z)) * scale + Float(Int32(truncatingIfNeeded: z >> 32)) * scale
    }
}

/// Turns float samples into integers of `bits` bits (16 or 24), full scale ±1.0 = ±2^(bits−1).
public enum Quantizer {
    /// Quantizes `x` (planar channel) into `out`, with TPDF dither when `dither` is given. Values beyond
    /// full scale are clipped to the largest integer; rounding is half away from zero. In C (`dither.c`,
    /// vectorized: SplitMix64 is a counter); `kernelLevel` 0 runs its portable loop, with the same integers.
    public static func quantize(_ x: UnsafeBufferPointer<Float>, bits: Int, dither: inout TPDFDither?,
                                into out: UnsafeMutableBufferPointer<Int32>, kernelLevel: Int = TruePeakInterpolator.kernelLevel) {
        precondition(out.count >= x.count && (bits == 16 || bits == 24))
        guard !x.isEmpty else { return }
        if var d = dither {
            headroom_quantize(Int32(kernelLevel), x.baseAddress!, x.count, Int32(bits), &d.rng.state, out.baseAddress!)
            dither = d
        } else {
            headroom_quantize(Int32(kernelLevel), x.baseAddress!, x.count, Int32(bits), nil, out.baseAddress!)
        }
    }
}
