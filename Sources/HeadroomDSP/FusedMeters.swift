import CHeadroomKernels

/// The analysis' fused filter loop, in C (`meters.c`): the loudness meter's K-weighting and the stereo
/// meter's low band on both channels, with their sums, bit for bit the same doubles as the Swift loop
/// (`MeterBiquad.process` and `a * b + c` sums) at every kernel level: an AVX register holds four biquads.
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
                           shelf: inout MeterBiquad, highPass: inout MeterBiquad, low1: inout MeterBiquad, low2: inout MeterBiquad,
                           sums: inout Sums, level: Int = TruePeakInterpolator.kernelLevel) {
        precondition(left.count == right.count)
        guard !left.isEmpty else { return }
        let c1 = MeterBiquad.kernelCoefficients([shelf, shelf, low1, low1]), c2 = MeterBiquad.kernelCoefficients([highPass, highPass, low2, low2])
        var row1 = MeterBiquad.kernelState(shelf, low1), row2 = MeterBiquad.kernelState(highPass, low2)
        var s = [sums.energy.x, sums.energy.y, sums.mono, sums.squares.x, sums.squares.y, sums.product,
                 sums.lowSquares.x, sums.lowSquares.y, sums.lowProduct]
        headroom_fused_meters(Int32(level), left.baseAddress!, right.baseAddress!, left.count, c1, c2, &row1, &row2, &s)
        MeterBiquad.restore(row1[...], &shelf, &low1)
        MeterBiquad.restore(row2[...], &highPass, &low2)
        sums.energy = SIMD2(s[0], s[1]); sums.mono = s[2]
        sums.squares = SIMD2(s[3], s[4]); sums.product = s[5]
        sums.lowSquares = SIMD2(s[6], s[7]); sums.lowProduct = s[8]
    }
}

/// The loudness meter's loop, in C (`meters.c`): K-weighting (`shelf` → `highPass`) of one or two channels
/// with their energies (and the mono fold's), bit for bit the Swift steps (`MeterBiquad.process`, `a * b + c`
/// sums) at every kernel level.
public enum KWeightingKernel {
    /// Runs `left` (and `right`, same length; nil: mono, lane 1 filters zeros), adding each channel's
    /// K-weighted energy to `energy` and, with `foldsMono`, the fold's (L+R)² to `mono`.
    public static func run(_ left: UnsafeBufferPointer<Float>, _ right: UnsafeBufferPointer<Float>?,
                           shelf: inout MeterBiquad, highPass: inout MeterBiquad, energy: inout SIMD2<Double>, mono: inout Double,
                           foldsMono: Bool, level: Int = TruePeakInterpolator.kernelLevel) {
        guard !left.isEmpty else { return }
        precondition(right == nil || right!.count == left.count)
        let c = MeterBiquad.kernelCoefficients([shelf, highPass])
        var state = MeterBiquad.kernelState(shelf) + MeterBiquad.kernelState(highPass)
        var sums = [energy.x, energy.y, mono]
        headroom_k_weighting(Int32(level), left.baseAddress!, right?.baseAddress, left.count, c, &state, &sums, foldsMono ? 1 : 0)
        MeterBiquad.restore(state[0..<16], &shelf)
        MeterBiquad.restore(state[16..<32], &highPass)
        energy = SIMD2(sums[0], sums[1]); mono = sums[2]
    }
}

extension MeterBiquad {
    /// Coefficients as the C kernels take them: b0, b1, b2, a1, a2 of each filter (or lane), in turn.
    static func kernelCoefficients(_ filters: [MeterBiquad]) -> [Double] {
        BiquadCoefficients.kernelRows(filters.map(\.coefficients))
    }

    /// A row of state as the C kernels hold it: x[n-1], x[n-2], y[n-1], y[n-2] at 4-double strides, over the
    /// lanes [a L, a R, b L, b R] (without `b`, its lanes are zeros the kernel leaves alone).
    static func kernelState(_ a: MeterBiquad, _ b: MeterBiquad? = nil) -> [Double] {
        zip([a.x1, a.x2, a.y1, a.y2], b.map { [$0.x1, $0.x2, $0.y1, $0.y2] } ?? Array(repeating: .zero, count: 4))
            .flatMap { [$0.x, $0.y, $1.x, $1.y] }
    }

    /// The state back from such a row.
    static func restore(_ s: ArraySlice<Double>, _ a: inout MeterBiquad) {
        var unused = a
        restore(s, &a, &unused)
    }

    static func restore(_ s: ArraySlice<Double>, _ a: inout MeterBiquad, _ b: inout MeterBiquad) {
        let o = s.startIndex
        (a.x1, b.x1) = (SIMD2(s[o], s[o + 1]), SIMD2(s[o + 2], s[o + 3]))
        (a.x2, b.x2) = (SIMD2(s[o + 4], s[o + 5]), SIMD2(s[o + 6], s[o + 7]))
        (a.y1, b.y1) = (SIMD2(s[o + 8], s[o + 9]), SIMD2(s[o + 10], s[o + 11]))
        (a.y2, b.y2) = (SIMD2(s[o + 12], s[o + 13]), SIMD2(s[o + 14], s[o + 15]))
    }
}

/// The codec check's low-passed peak search, in C (`meters.c`): both channels through two sections (rounded
/// to Float between them), the highest |output| per channel and its frame; bit for bit the Swift steps.
public enum LowPassPeaksKernel {
    /// Runs `left`/`right` (same length) whose first frame is frame `base`, raising `peaks` (and their
    /// frames, `at`) where the output passes them.
    public static func run(_ left: UnsafeBufferPointer<Float>, _ right: UnsafeBufferPointer<Float>, base: Int,
                           first: inout MeterBiquad, second: inout MeterBiquad, peaks: inout SIMD2<Float>, at: inout (Int, Int),
                           level: Int = TruePeakInterpolator.kernelLevel) {
        guard !left.isEmpty else { return }
        precondition(right.count == left.count)
        let c = MeterBiquad.kernelCoefficients([first, second])
        var state = MeterBiquad.kernelState(first) + MeterBiquad.kernelState(second)
        var p = [peaks.x, peaks.y], where_ = [at.0, at.1]
        headroom_lowpass_peaks(Int32(level), left.baseAddress!, right.baseAddress!, left.count, c, &state, &p, &where_, base)
        MeterBiquad.restore(state[0..<16], &first)
        MeterBiquad.restore(state[16..<32], &second)
        peaks = SIMD2(p[0], p[1]); at = (where_[0], where_[1])
    }
}
