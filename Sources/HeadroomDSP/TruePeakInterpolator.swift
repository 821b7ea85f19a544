import CHeadroomKernels
import Foundation

/// A polyphase windowed-sinc interpolator that estimates the true (inter-sample) peak of a channel.
///
/// The prototype low-pass has `factor × tapsPerPhase` taps (Kaiser window, cut-off at the base rate's
/// Nyquist frequency). Phase 0 reproduces the input samples exactly, so the true peak is never below the
/// sample peak. 4x with 32 taps per phase exceeds BS.1770-4 Annex 2 (4x, 12 taps per phase), which
/// under-reads peaks near Nyquist.
public struct TruePeakInterpolator: Sendable {
    /// Oversampling factor.
    public let factor: Int
    /// Taps per polyphase branch.
    public let tapsPerPhase: Int
    /// Phase coefficients, reversed so that phase `p` is a dot product with `x[n-T+1 ... n]`:
    /// `taps[p*T + j]`.
    public let taps: [Float]
    /// The largest sum of |taps| over the phases: |output| ≤ bound × max|input| over the window.
    public let gainBound: Float
    /// The same taps, tap-major: `byTap[j*8 + p]` is phase p's coefficient for `x[n-T+1+j]` (phases padded
    /// to 8 with zeros), so one SIMD8 multiply-add per tap computes every phase at once.
    public let byTap: [SIMD8<Float>]
    /// Tap-major with 4 lanes, for factors up to 4.
    public let byTap4: [SIMD4<Float>]

    public init(factor: Int = 4, tapsPerPhase: Int = 32, kaiserBeta: Double = 8) {
        precondition(factor >= 1 && tapsPerPhase >= 4 && tapsPerPhase % 4 == 0)
        self.factor = factor
        self.tapsPerPhase = tapsPerPhase
        let length = factor * tapsPerPhase
        let center = Double(length / 2)
        func besselI0(_ x: Double) -> Double {
            var sum = 1.0, term = 1.0, k = 1.0
            while term > 1e-12 * sum { term *= (x / (2 * k)) * (x / (2 * k)); sum += term; k += 1 }
            return sum
        }
        var prototype = [Double](repeating: 0, count: length)
        for i in 0..<length {
            let t = (Double(i) - center) / Double(factor)
            let offset = i - length / 2
            // Exact zeros at the other input samples, so phase 0 is a pure delay.
            let sinc = offset == 0 ? 1 : (offset % factor == 0 ? 0 : sin(Double.pi * t) / (Double.pi * t))
            let r = (Double(i) - center) / center
            let window = besselI0(kaiserBeta * (max(0, 1 - r * r)).squareRoot()) / besselI0(kaiserBeta)
            prototype[i] = sinc * window
        }
        var taps = [Float](repeating: 0, count: length)
        var bound: Double = 0
        for p in 0..<factor {
            var phase = (0..<tapsPerPhase).map { k in prototype[k * factor + p] }
            let sum = phase.reduce(0, +)
            phase = phase.map { $0 / sum }  // unity gain at DC for every phase
            bound = max(bound, phase.reduce(0) { $0 + abs($1) })
            for j in 0..<tapsPerPhase { taps[p * tapsPerPhase + j] = Float(phase[tapsPerPhase - 1 - j]) }
        }
        // Phase 0 is a pure delay by T/2 − 1 (the kernel reads it as a copy of that sample).
        precondition((0..<tapsPerPhase).allSatisfy { taps[$0] == ($0 == tapsPerPhase / 2 - 1 ? 1 : 0) })
        self.taps = taps
        self.gainBound = Float(bound)
        precondition(factor <= 8, "at most 8x")
        var byTap = [SIMD8<Float>](repeating: .zero, count: tapsPerPhase)
        for p in 0..<factor { for j in 0..<tapsPerPhase { byTap[j][p] = taps[p * tapsPerPhase + j] } }
        self.byTap = byTap
        var byTap4 = [SIMD4<Float>](repeating: .zero, count: tapsPerPhase)
        for p in 0..<min(factor, 4) { for j in 0..<tapsPerPhase { byTap4[j][p] = taps[p * tapsPerPhase + j] } }
        self.byTap4 = byTap4
    }

    /// Delay of the interpolated signal relative to the input, in input samples.
    public var delayFrames: Int { tapsPerPhase / 2 }

    /// Maximum |interpolated value| over all phases of the outputs at input positions `n` in `range`.
    ///
    /// Output `n` depends on `x[n-T+1 ... n]`; samples outside `x` count as zero. To cover a whole
    /// channel, ask for `0 ..< x.count + tapsPerPhase`.
    /// - Parameter overPositions: receives each position whose peak exceeds `overThreshold`.
    public func peak(of x: UnsafeBufferPointer<Float>, positions range: Range<Int>,
                     scratch: inout [Float], overThreshold: Float = .infinity, overPositions: inout [Int]) -> Float {
        let t = tapsPerPhase
        let needed = range.count + t - 1
        if scratch.count < needed + range.count { scratch = [Float](repeating: 0, count: needed + range.count) }
        let first = range.lowerBound - t + 1
        var best: Float = 0
        scratch.withUnsafeMutableBufferPointer { s in
            for i in 0..<needed {
                let src = first + i
                s[i] = (src >= 0 && src < x.count) ? x[src] : 0
            }
            let out = s.baseAddress! + needed
            positionPeaks(s.baseAddress!, count: range.count, into: out)
            for n in 0..<range.count {
                let p = out[n]
                if p > overThreshold { overPositions.append(range.lowerBound + n) }
                best = max(best, p)
            }
        }
        return best
    }

    /// Per-position peaks: `out[n]` = max over phases of |interpolated| for the window `s[n ..< n+T]`
    /// (`s` holds `count + T − 1` samples: the T − 1 before the first position, then the positions).
    /// Runs the C kernel (AVX-512 or AVX2/FMA, chosen at run time; phase 0, a pure delay, as a copy), or the
    /// Swift kernel on a CPU without them.
    public func positionPeaks(_ s: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        positionPeaks(s, count: count, into: out, kernelLevel: Self.kernelLevel)
    }

    /// The same with a chosen C kernel: 1 AVX2/FMA, 2 AVX-512 (capped at what the CPU has); 0 runs the
    /// Swift kernel. For tests and benchmarks.
    public func positionPeaks(_ s: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>, kernelLevel: Int) {
        if kernelLevel == 0 {
            positionPeaksReference(s, count: count, into: out)
            return
        }
        taps.withUnsafeBufferPointer { h in
            headroom_position_peaks_at_level(Int32(kernelLevel), h.baseAddress! + tapsPerPhase, Int32(factor - 1),
                                             Int32(tapsPerPhase), Int32(tapsPerPhase / 2 - 1), s, count, out)
        }
    }

    /// max |x[i]| over `count` samples (SIMD): the block peaks that decide where to interpolate.
    @inline(__always)
    public static func absMax(_ x: UnsafePointer<Float>, count: Int) -> Float { headroom_abs_max(x, count) }

    /// The kernel in use: 0 Swift (no AVX2/FMA), 1 AVX2/FMA, 2 AVX-512; the best this CPU runs, or less
    /// when the environment variable HEADROOM_SIMD says `swift` or `avx2` (to benchmark the others).
    public static let kernelLevel: Int = {
        let best = Int(headroom_kernels_level())
        switch ProcessInfo.processInfo.environment["HEADROOM_SIMD"] {
        case "swift": return 0
        case "avx2": return min(best, 1)
        default: return best
        }
    }()

    /// Which implementation `positionPeaks` runs on this CPU ("avx2-fma" or "portable").
    public static var kernelImplementation: String {
        kernelLevel == 0 ? "swift" : String(cString: headroom_kernels_implementation())
    }

    /// The same peaks computed in Swift (SSE2 on the default target): the reference the C kernel is tested against.
    public func positionPeaksReference(_ s: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        if factor <= 4 {
            // Four phases fit a SIMD4: half the work of the 8-lane layout.
            byTap4.withUnsafeBufferPointer { Self.kernel($0.baseAddress!, s, count: count, taps: tapsPerPhase, into: out) }
        } else {
            byTap.withUnsafeBufferPointer { Self.kernel($0.baseAddress!, s, count: count, taps: tapsPerPhase, into: out) }
        }
    }

    /// Every phase at once: one vector multiply-add per tap, four independent accumulators so the adds do
    /// not wait on each other. `taps` is a multiple of 4.
    @inlinable
    static func kernel<V: SIMD>(_ h: UnsafePointer<V>, _ s: UnsafePointer<Float>, count: Int, taps t: Int,
                                into out: UnsafeMutablePointer<Float>) where V.Scalar == Float {
        for n in 0..<count {
            var a0 = V(), a1 = V(), a2 = V(), a3 = V()
            var j = 0
            while j < t {
                a0 = h[j] * s[n + j] + a0
                a1 = h[j + 1] * s[n + j + 1] + a1
                a2 = h[j + 2] * s[n + j + 2] + a2
                a3 = h[j + 3] * s[n + j + 3] + a3
                j += 4
            }
            let acc = (a0 + a1) + (a2 + a3)
            out[n] = pointwiseMax(acc, -acc).max()
        }
    }
}
