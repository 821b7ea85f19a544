import Foundation

/// Coefficients of a second-order IIR section, normalized so that a0 = 1.
///
/// `y[n] = b0·x[n] + b1·x[n-1] + b2·x[n-2] − a1·y[n-1] − a2·y[n-2]`. Designs follow the RBJ Audio EQ
/// Cookbook (bilinear transform of analog prototypes) at the given sample rate.
public struct BiquadCoefficients: Sendable, Equatable, Codable {
    public var b0, b1, b2, a1, a2: Double

    public init(b0: Double, b1: Double, b2: Double, a1: Double, a2: Double) {
        self.b0 = b0; self.b1 = b1; self.b2 = b2; self.a1 = a1; self.a2 = a2
    }

    /// Coefficients as the C kernels take them: b0, b1, b2, a1, a2 of each filter, in turn.
    public static func kernelRows(_ filters: [BiquadCoefficients]) -> [Double] {
        filters.flatMap { c in [c.b0, c.b1, c.b2, c.a1, c.a2] }
    }

    /// Passes everything unchanged.
    public static let identity = BiquadCoefficients(b0: 1, b1: 0, b2: 0, a1: 0, a2: 0)

    /// Second-order low-pass (RBJ). Q = 1/√2 gives Butterworth.
    public static func lowPass(frequencyHz: Double, q: Double = 1 / 2.squareRoot(), sampleRate: Double) -> Self {
        let w = 2 * Double.pi * frequencyHz / sampleRate
        let alpha = sin(w) / (2 * q), c = cos(w), a0 = 1 + alpha
        return .init(b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0,
                     a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    /// Second-order high-pass (RBJ).
    public static func highPass(frequencyHz: Double, q: Double = 1 / 2.squareRoot(), sampleRate: Double) -> Self {
        let w = 2 * Double.pi * frequencyHz / sampleRate
        let alpha = sin(w) / (2 * q), c = cos(w), a0 = 1 + alpha
        return .init(b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0,
                     a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    /// Peaking bell (RBJ).
    public static func peaking(frequencyHz: Double, gainDB: Double, q: Double, sampleRate: Double) -> Self {
        let a = pow(10, gainDB / 40), w = 2 * Double.pi * frequencyHz / sampleRate
        let alpha = sin(w) / (2 * q), c = cos(w), a0 = 1 + alpha / a
        return .init(b0: (1 + alpha * a) / a0, b1: -2 * c / a0, b2: (1 - alpha * a) / a0,
                     a1: -2 * c / a0, a2: (1 - alpha / a) / a0)
    }

    /// Low shelf (RBJ, shelf slope S = 1).
    public static func lowShelf(frequencyHz: Double, gainDB: Double, sampleRate: Double) -> Self {
        shelf(frequencyHz: frequencyHz, gainDB: gainDB, sampleRate: sampleRate, high: false)
    }

    /// High shelf (RBJ, shelf slope S = 1).
    public static func highShelf(frequencyHz: Double, gainDB: Double, sampleRate: Double) -> Self {
        shelf(frequencyHz: frequencyHz, gainDB: gainDB, sampleRate: sampleRate, high: true)
    }

    static func shelf(frequencyHz: Double, gainDB: Double, sampleRate: Double, high: Bool) -> Self {
        let a = pow(10, gainDB / 40), w = 2 * Double.pi * frequencyHz / sampleRate
        let c = cos(w), alpha = sin(w) / 2 * 2.squareRoot()  // S = 1
        let k = 2 * a.squareRoot() * alpha
        let sign: Double = high ? -1 : 1
        let b0 = a * ((a + 1) - sign * (a - 1) * c + k)
        let b1 = sign * 2 * a * ((a - 1) - sign * (a + 1) * c)
        let b2 = a * ((a + 1) - sign * (a - 1) * c - k)
        let a0 = (a + 1) + sign * (a - 1) * c + k
        let a1 = -sign * 2 * ((a - 1) + sign * (a + 1) * c)
        let a2 = (a + 1) + sign * (a - 1) * c - k
        return .init(b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0)
    }

    /// Magnitude response in dB at `frequencyHz`.
    public func magnitudeDB(atHz frequencyHz: Double, sampleRate: Double) -> Double {
        let w = 2 * Double.pi * frequencyHz / sampleRate
        let (c1, s1, c2, s2) = (cos(w), sin(w), cos(2 * w), sin(2 * w))
        let nr = b0 + b1 * c1 + b2 * c2, ni = -(b1 * s1 + b2 * s2)
        let dr = 1 + a1 * c1 + a2 * c2, di = -(a1 * s1 + a2 * s2)
        return 10 * log10((nr * nr + ni * ni) / (dr * dr + di * di))
    }
}

/// A biquad with its state (transposed direct form II, double precision).
///
/// Double precision keeps low-frequency sections (a 38 Hz high-pass at 192 kHz) accurate.
public struct Biquad: Sendable {
    public var coefficients: BiquadCoefficients
    @usableFromInline var z1: Double = 0
    @usableFromInline var z2: Double = 0

    public init(_ coefficients: BiquadCoefficients) { self.coefficients = coefficients }

    /// Clears the filter state.
    public mutating func reset() { z1 = 0; z2 = 0 }

    /// Filters one sample.
    @inlinable @inline(__always)
    public mutating func process(_ x: Double) -> Double {
        let c = coefficients
        let y = c.b0 * x + z1
        z1 = c.b1 * x - c.a1 * y + z2
        z2 = c.b2 * x - c.a2 * y
        return y
    }

    /// Filters `samples` in place.
    public mutating func process(_ samples: inout [Float]) {
        var f = self
        samples.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = Float(f.process(Double(p[i]))) }
        }
        self = f
    }
}

/// Two channels through one biquad at once, a SIMD2 lane each: the same arithmetic as `Biquad` (so the
/// same results), with the two recurrences overlapping instead of running one after the other.
public struct StereoBiquad: Sendable {
    public var coefficients: BiquadCoefficients
    @usableFromInline var z1 = SIMD2<Double>()
    @usableFromInline var z2 = SIMD2<Double>()

    public init(_ coefficients: BiquadCoefficients) { self.coefficients = coefficients }

    /// Clears the filter state.
    public mutating func reset() { z1 = .zero; z2 = .zero }

    /// The filter's state (for a kernel that runs it elsewhere and hands it back).
    public var state: (z1: SIMD2<Double>, z2: SIMD2<Double>) {
        get { (z1, z2) }
        set { (z1, z2) = newValue }
    }

    /// Filters one frame.
    @inlinable @inline(__always)
    public mutating func process(_ x: SIMD2<Double>) -> SIMD2<Double> {
        let c = coefficients
        let y = c.b0 * x + z1
        z1 = c.b1 * x - c.a1 * y + z2
        z2 = c.b2 * x - c.a2 * y
        return y
    }
}

/// A biquad in direct form I, both channels in SIMD2 lanes, for the meters (the K-weighting, the stereo
/// meter's low band, the codec check's low-pass), where only the filtered signal's sums matter. Its
/// recursion is one multiply and one subtraction long, y = f − a1·y[n−1], with f = b0·x + b1·x[n−1] +
/// b2·x[n−2] − a2·y[n−2] known a sample ahead: half the chain of the transposed form `StereoBiquad`,
/// which a meter running a whole song waits on. The same filter; its doubles round differently (1e-16).
public struct MeterBiquad: Sendable {
    public let coefficients: BiquadCoefficients
    // The coefficients in both lanes (a vector multiply each, no broadcast in the loop).
    @usableFromInline let b0, b1, b2, a1, a2: SIMD2<Double>
    /// The last two inputs and outputs.
    public var x1 = SIMD2<Double>(), x2 = SIMD2<Double>(), y1 = SIMD2<Double>(), y2 = SIMD2<Double>()

    public init(_ coefficients: BiquadCoefficients) {
        self.coefficients = coefficients
        b0 = SIMD2(repeating: coefficients.b0); b1 = SIMD2(repeating: coefficients.b1); b2 = SIMD2(repeating: coefficients.b2)
        a1 = SIMD2(repeating: coefficients.a1); a2 = SIMD2(repeating: coefficients.a2)
    }

    /// Clears the filter state.
    public mutating func reset() { x1 = .zero; x2 = .zero; y1 = .zero; y2 = .zero }

    /// Filters one frame.
    @inlinable @inline(__always)
    public mutating func process(_ x: SIMD2<Double>) -> SIMD2<Double> {
        let f = b0 * x + b1 * x1 + b2 * x2 - a2 * y2
        let y = f - a1 * y1
        x2 = x1; x1 = x
        y2 = y1; y1 = y
        return y
    }
}
