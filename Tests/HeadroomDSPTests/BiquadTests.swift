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
}
