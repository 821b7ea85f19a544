/// TPDF dither and quantization to a fixed word length.
///
/// Each sample gets the sum of two independent uniform values of ±0.5 LSB (a triangular distribution
/// over ±1 LSB) before rounding, which decorrelates the quantization error from the signal: no
/// truncation distortion, a constant noise floor. Seeded, so renders are reproducible.
public struct TPDFDither: Sendable {
    private var rng: SplitMix64
    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// The next dither value in LSB (−1 ... 1, triangular).
    @inlinable
    public mutating func next() -> Float {
        0.5 * (nextUniform() + nextUniform())
    }

    @usableFromInline
    mutating func nextUniform() -> Float { rngNextSignedUnit() }

    @usableFromInline
    mutating func rngNextSignedUnit() -> Float { rng.nextSignedUnit() }
}

/// Turns float samples into integers of `bits` bits (16 or 24), full scale ±1.0 = ±2^(bits−1).
public enum Quantizer {
    /// Quantizes `x` (planar channel) into `out`, with TPDF dither when `dither` is given. Values beyond
    /// full scale are clipped to the largest integer.
    public static func quantize(_ x: UnsafeBufferPointer<Float>, bits: Int, dither: inout TPDFDither?,
                                into out: UnsafeMutableBufferPointer<Int32>) {
        let scale = Float(1 << (bits - 1))
        let maxValue = Float((1 << (bits - 1)) - 1), minValue = -Float(1 << (bits - 1))
        if var d = dither {
            for i in x.indices {
                let v = (x[i] * scale + d.next()).rounded()
                out[i] = Int32(min(maxValue, max(minValue, v)))
            }
            dither = d
        } else {
            for i in x.indices {
                out[i] = Int32(min(maxValue, max(minValue, (x[i] * scale).rounded())))
            }
        }
    }
}
