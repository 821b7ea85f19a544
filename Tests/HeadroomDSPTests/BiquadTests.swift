import Foundation
import HeadroomDSP
import Testing

@Suite struct BiquadTests {
    @Test func lowPassIsMinus3dBAtCutoff() {
        let c = BiquadCoefficients.lowPass(frequencyHz: 1000, sampleRate: 48_000)
        #expect(abs(c.magnitudeDB(atHz: 1000, sampleRate: 48_000) + 3.01) < 0.01)
        #expect(abs(c.magnitudeDB(atHz: 20, sampleRate: 48_000)) < 0.01)
        #expect(c.magnitudeDB(atHz: 10_000, sampleRate: 48_000) < -38)
    }

    @Test func peakingHasItsGainAtTheCentre() {
        let c = BiquadCoefficients.peaking(frequencyHz: 250, gainDB: -4, q: 1, sampleRate: 44_100)
        #expect(abs(c.magnitudeDB(atHz: 250, sampleRate: 44_100) + 4) < 0.01)
        #expect(abs(c.magnitudeDB(atHz: 10_000, sampleRate: 44_100)) < 0.05)
    }

    @Test func filteringASineMatchesTheMagnitudeResponse() {
        let sr = 44_100.0
        var f = Biquad(.highPass(frequencyHz: 200, sampleRate: sr))
        var x = (0..<44_100).map { Float(sin(2 * Double.pi * 100 * Double($0) / sr)) }
        f.process(&x)
        let tail = x[22_050...]
        let rms = (tail.reduce(0) { $0 + Double($1 * $1) } / Double(tail.count)).squareRoot()
        let expected = BiquadCoefficients.highPass(frequencyHz: 200, sampleRate: sr).magnitudeDB(atHz: 100, sampleRate: sr)
        #expect(abs(20 * log10(rms * 2.squareRoot()) - expected) < 0.05)
    }

    /// The meters' direct form I is the transposed form's filter: on noise through the K-weighting's 38 Hz
    /// high-pass and a 16 kHz low-pass, both forms agree to rounding (1e-12 of full scale), and the direct
    /// form does differ somewhere (it is not the same code).
    @Test func theMetersDirectFormIsTheSameFilter() {
        let sr = 44_100.0
        for c in [BiquadCoefficients.highPass(frequencyHz: 38, q: 0.5, sampleRate: sr),
                  .lowPass(frequencyHz: 16_000, q: 1.3066, sampleRate: sr), .highShelf(frequencyHz: 1_500, gainDB: 4, sampleRate: sr)] {
            var transposed = StereoBiquad(c), direct = MeterBiquad(c)
            var seed: UInt64 = 7
            var worst = 0.0, differs = false
            for _ in 0..<100_000 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let x = SIMD2(Double(Int64(bitPattern: seed) >> 11) / Double(1 << 52), Double(Int64(bitPattern: seed << 7) >> 11) / Double(1 << 52))
                let a = transposed.process(x), b = direct.process(x)
                worst = max(worst, abs(a.x - b.x), abs(a.y - b.y))
                differs = differs || a != b
            }
            #expect(worst < 1e-12, "\(c): \(worst)")
            #expect(differs)
        }
    }
}
