import Foundation
import HeadroomDSP
import HeadroomSignals
import Testing

@Suite struct RealFFTTests {
    @Test func sineLandsInItsBin() {
        let n = 4096, sr = 48_000.0
        let bin = 200
        let x = Signals.sine(frequencyHz: Double(bin) * sr / Double(n), amplitudeDBFS: 0, seconds: Double(n) / sr,
                             sampleRate: sr)
        let fft = RealFFT(size: n)
        var power = [Float](repeating: 0, count: fft.binCount)
        let rect = [Float](repeating: 1, count: n)
        x.withUnsafeBufferPointer { fft.powerSpectrum($0, window: rect, into: &power) }
        let peak = power.indices.max { power[$0] < power[$1] }!
        #expect(peak == bin)
        // |X[k]| = N/2 for a unit sine on a bin.
        #expect(abs(Double(power[bin]).squareRoot() - Double(n) / 2) < 1)
        let leakage = power.enumerated().filter { $0.offset != bin }.map(\.element).max()!
        #expect(leakage < power[bin] * 1e-8)
    }
}
