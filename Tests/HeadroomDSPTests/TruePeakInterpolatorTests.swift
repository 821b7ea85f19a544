import Foundation
import HeadroomDSP
import HeadroomSignals
import Testing

@Suite struct TruePeakInterpolatorTests {
    let interpolator = TruePeakInterpolator()

    func peak(_ x: [Float]) -> Float {
        var scratch: [Float] = []
        var overs: [Int] = []
        return x.withUnsafeBufferPointer {
            interpolator.peak(of: $0, positions: 0..<(x.count + interpolator.tapsPerPhase), scratch: &scratch,
                              overPositions: &overs)
        }
    }

    @Test func phaseZeroReproducesTheSamples() {
        let x = Signals.whiteNoise(amplitude: 0.5, count: 200, seed: 3)
        // Phase 0 taps are a unit impulse at the centre.
        let t = interpolator.tapsPerPhase
        let phase0 = interpolator.taps[0..<t]
        #expect(phase0.filter { $0 != 0 }.count == 1)
        #expect(phase0.contains(1))
        #expect(peak(x) >= x.map(abs).max()!)
    }

    @Test(arguments: [44_100.0, 48_000.0])
    func quarterRateSineAt45DegreesReadsItsTruePeak(sampleRate: Double) {
        // Sampled at 45°, 135°, ...: every sample is 0.7071 of the amplitude.
        let x = Signals.sine(frequencyHz: sampleRate / 4, amplitudeDBFS: -1, seconds: 0.5, sampleRate: sampleRate,
                             phaseRadians: Double.pi / 4)
        let samplePeakDB = 20 * log10(Double(x.map(abs).max()!))
        // Measure inside the tone: its abrupt start and end ring (a real, higher inter-sample peak).
        var scratch: [Float] = []
        var overs: [Int] = []
        let inside = x.withUnsafeBufferPointer {
            interpolator.peak(of: $0, positions: 1000..<20_000, scratch: &scratch, overPositions: &overs)
        }
        let truePeakDB = 20 * log10(Double(inside))
        #expect(abs(truePeakDB - -1) < 0.05)
        #expect(abs((truePeakDB - samplePeakDB) - 3.01) < 0.05)
    }

    @Test func lowFrequencySineTruePeakEqualsItsAmplitude() {
        let x = Signals.sine(frequencyHz: 997, amplitudeDBFS: -6, seconds: 0.5, sampleRate: 44_100)
        #expect(abs(20 * log10(Double(peak(x))) - -6) < 0.02)
    }

    @Test func overPositionsAreReported() {
        let x = Signals.sine(frequencyHz: 11_025, amplitudeDBFS: 0, seconds: 0.1, sampleRate: 44_100,
                             phaseRadians: Double.pi / 4)
        var scratch: [Float] = []
        var overs: [Int] = []
        let p = x.withUnsafeBufferPointer {
            interpolator.peak(of: $0, positions: 100..<200, scratch: &scratch, overThreshold: 0.9, overPositions: &overs)
        }
        #expect(p > 0.99)
        #expect(!overs.isEmpty)
        #expect(overs.allSatisfy { (100..<200).contains($0) })
    }

    /// Every C kernel this CPU runs (AVX2/FMA, AVX-512) computes what the Swift reference computes, for 4x
    /// and 8x, to float rounding (a fused multiply-add rounds once where the reference rounds twice). Odd
    /// counts exercise the tail that the vector loops leave to the portable loop.
    @Test(arguments: [4, 8])
    func simdKernelsMatchTheSwiftReference(factor: Int) {
        let interpolator = TruePeakInterpolator(factor: factor, tapsPerPhase: 32)
        let x = Signals.whiteNoise(amplitude: 0.9, count: 5000, seed: 11)
        let count = x.count - interpolator.tapsPerPhase + 1 - 7
        var reference = [Float](repeating: 0, count: count)
        x.withUnsafeBufferPointer { s in
            reference.withUnsafeMutableBufferPointer {
                interpolator.positionPeaksReference(s.baseAddress!, count: count, into: $0.baseAddress!)
            }
        }
        #expect(reference.max()! > 0.9)  // the comparison sees real peaks, not zeros
        for level in 0...TruePeakInterpolator.kernelLevel {
            var fast = [Float](repeating: -1, count: count)
            x.withUnsafeBufferPointer { s in
                fast.withUnsafeMutableBufferPointer {
                    interpolator.positionPeaks(s.baseAddress!, count: count, into: $0.baseAddress!, kernelLevel: level)
                }
            }
            let worst = zip(fast, reference).map { abs($0 - $1) }.max()!
            #expect(worst < 2e-6, "kernel level \(level) differs by \(worst)")
        }
    }
}
