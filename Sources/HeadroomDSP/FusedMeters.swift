import CHeadroomKernels

/// The analysis' fused filter loop, in C (`meters.c`): the loudness meter's K-weighting and the stereo
/// meter's low band on both channels, with their sums, bit for bit the same doubles as the Swift loop
/// (`StereoBiquad.process` and `a * b + c` sums) at every kernel level: an AVX register holds four biquads.
public enum FusedMeters {
    /// The running sums a stretch adds to.
    public struct Sums: Sendable {
        /// K-weighted energy per channel, and the mono fold's ((L+R)², not halved).
        public var energy = SIMD2<Double>(), mono = 0.0
        /// Input L², R² and L·R; the low band's.
        public var squares = SIMD2<Double>(), product = 0.0
        public var lowSquares = SIMD2<Double>(), lowProduct = 0.0
        public init() {}
    }

    /// Runs `left`/`right` (same length) through `shelf` → `highPass` (loudness) and `low1` → `low2` (the
    /// stereo meter's band), adding to `sums`. `level`: 0 portable C, 1 AVX (as `TruePeakInterpolator.kernelLevel`).
    public static func run(_ left: UnsafeBufferPointer<Float>, _ right: UnsafeBufferPointer<Float>,
                           shelf: inout StereoBiquad, highPass: inout StereoBiquad, low1: inout StereoBiquad, low2: inout StereoBiquad,
                           sums: inout Sums, level: Int = TruePeakInterpolator.kernelLevel) {
        precondition(left.count == right.count)
        guard !left.isEmpty else { return }
        func coefficients(_ a: StereoBiquad, _ b: StereoBiquad) -> [Double] {
            [a.coefficients, a.coefficients, b.coefficients, b.coefficients].flatMap { [$0.b0, $0.b1, $0.b2, $0.a1, $0.a2] }
        }
        let c1 = coefficients(shelf, low1), c2 = coefficients(highPass, low2)
        var z1 = [shelf.state.z1.x, shelf.state.z1.y, low1.state.z1.x, low1.state.z1.y]
        var z2 = [shelf.state.z2.x, shelf.state.z2.y, low1.state.z2.x, low1.state.z2.y]
        var w1 = [highPass.state.z1.x, highPass.state.z1.y, low2.state.z1.x, low2.state.z1.y]
        var w2 = [highPass.state.z2.x, highPass.state.z2.y, low2.state.z2.x, low2.state.z2.y]
        var s = [sums.energy.x, sums.energy.y, sums.mono, sums.squares.x, sums.squares.y, sums.product,
                 sums.lowSquares.x, sums.lowSquares.y, sums.lowProduct]
        headroom_fused_meters(Int32(level), left.baseAddress!, right.baseAddress!, left.count, c1, c2, &z1, &z2, &w1, &w2, &s)
        shelf.state = (SIMD2(z1[0], z1[1]), SIMD2(z2[0], z2[1]))
        low1.state = (SIMD2(z1[2], z1[3]), SIMD2(z2[2], z2[3]))
        highPass.state = (SIMD2(w1[0], w1[1]), SIMD2(w2[0], w2[1]))
        low2.state = (SIMD2(w1[2], w1[3]), SIMD2(w2[2], w2[3]))
        sums.energy = SIMD2(s[0], s[1]); sums.mono = s[2]
        sums.squares = SIMD2(s[3], s[4]); sums.product = s[5]
        sums.lowSquares = SIMD2(s[6], s[7]); sums.lowProduct = s[8]
    }
}
