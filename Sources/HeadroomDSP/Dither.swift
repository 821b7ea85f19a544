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
    /// full scale are clipped to the largest integer.
    public static func quantize(_ x: UnsafeBufferPointer<Float>, bits: Int, dither: inout TPDFDither?,
                                into out: UnsafeMutableBufferPointer<Int32>) {
        let scale = Float(1 << (bits - 1))
        let maxValue = Float((1 << (bits - 1)) - 1), minValue = -Float(1 << (bits - 1))
        // Round half away from zero by truncating x ± 0.5 (a plain conversion, no libm call).
        @inline(__always) func round(_ v: Float) -> Int32 {
            let c = min(maxValue, max(minValue, v))
            return Int32(c + (c >= 0 ? 0.5 : -0.5))
        }
        if var d = dither {
            for i in x.indices { out[i] = round(x[i] * scale + d.next()) }
            dither = d
        } else {
            for i in x.indices { out[i] = round(x[i] * scale) }
        }
    }
}
