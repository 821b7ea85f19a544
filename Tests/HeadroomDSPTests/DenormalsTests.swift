import HeadroomDSP
import Testing

/// Inside `Denormals.flushed` numbers below the smallest normal become zero, and a filter fed silence after
/// sound settles at exactly zero instead of lingering among denormals (each about 100x a normal operation).
@Suite struct DenormalsTests {
    /// A value the compiler cannot fold.
    @inline(never) static func opaque(_ x: Double) -> Double { x }

    @Test func belowTheSmallestNormalIsZeroOnlyInside() {
        let tiny = Self.opaque(Double.leastNormalMagnitude)
        #expect(Self.opaque(tiny / 8) > 0, "outside: a denormal")
        let inside = Denormals.flushed { Self.opaque(tiny / 8) }
        #expect(inside == 0)
        let small = Float(Self.opaque(Double(Float.leastNormalMagnitude)))
        #expect(Denormals.flushed { small / Float(Self.opaque(4)) } == 0)
        #expect(Self.opaque(tiny / 8) > 0, "the thread's setting is put back")
    }

    @Test func aFilterFedSilenceSettlesAtZero() {
        var f = StereoBiquad(.lowPass(frequencyHz: 60, q: 0.7, sampleRate: 44_100))
        for i in 0..<4_410 { _ = f.process(SIMD2(repeating: i % 100 < 50 ? 0.5 : -0.5)) }
        Denormals.flushed {
            for _ in 0..<2_000_000 { _ = f.process(.zero) }
        }
        #expect(f.state.z1 == .zero && f.state.z2 == .zero, "\(f.state)")
    }
}
