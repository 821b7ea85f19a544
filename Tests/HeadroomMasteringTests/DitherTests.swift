import Foundation
import HeadroomDSP
import HeadroomSignals
import Testing

@Suite struct DitherTests {
    @Test func tpdfHasATriangularDistribution() {
        var d = TPDFDither(seed: 42)
        let n = 200_000
        let values = (0..<n).map { _ in Double(d.next()) }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        #expect(abs(mean) < 0.005)
        #expect(abs(variance - 1.0 / 6) < 0.005)  // sum of two U(−½, ½): variance 2 × 1/12
        #expect(values.allSatisfy { abs($0) <= 1 })
        // Triangular: the middle third holds 5/9 of the values (uniform would hold 1/3).
        let middle = Double(values.filter { abs($0) < 1.0 / 3 }.count) / Double(n)
        #expect(abs(middle - 5.0 / 9) < 0.01)
        // Reproducible.
        var again = TPDFDither(seed: 42)
        #expect((0..<100).map { _ in again.next() } == (0..<100).map { i in Float(values[i]) })
    }

    /// The C quantizer (portable and vectorized) gives the integers of the plain Swift definition: TPDF
    /// draws in order across calls, clipping, rounding half away from zero.
    @Test(arguments: [16, 24])
    func quantizerMatchesItsDefinitionBitForBit(bits: Int) {
        var x = Signals.pinkNoise(rmsDBFS: -6, count: 5000, seed: 4).map { $0 * 3 }  // some beyond full scale
        x += [0, 1, -1, 0.5 / Float(1 << (bits - 1)), -1.5 / Float(1 << (bits - 1)), 2, -2, .ulpOfOne]
        let scale = Float(1 << (bits - 1))
        let hi = Float((1 << (bits - 1)) - 1), lo = -Float(1 << (bits - 1))
        for dithered in [false, true] {
            var reference = TPDFDither(seed: 99)
            let expected: [Int32] = x.map { v in
                let c = min(hi, max(lo, v * scale + (dithered ? reference.next() : 0)))
                return Int32(c + (c >= 0 ? 0.5 : -0.5))
            }
            for level in [0, 2] {
                var d: TPDFDither? = dithered ? TPDFDither(seed: 99) : nil
                var out = [Int32](repeating: 7, count: x.count)
                var start = 0
                for size in [1, 13, 4096, 5000] where start < x.count {
                    let end = min(x.count, start + size)
                    x.withUnsafeBufferPointer { src in
                        out.withUnsafeMutableBufferPointer { q in
                            Quantizer.quantize(UnsafeBufferPointer(rebasing: src[start..<end]), bits: bits, dither: &d,
                                               into: UnsafeMutableBufferPointer(rebasing: q[start..<end]), kernelLevel: level)
                        }
                    }
                    start = end
                }
                #expect(out == expected, "level \(level), dither \(dithered)")
                // The dither runs on where the calls left it.
                if dithered { var next = reference; #expect(d!.next() == next.next()) }
            }
        }
    }

    /// Level of the 3rd harmonic of a quiet 16-bit sine relative to the noise around it, in dB.
    static func thirdHarmonicOverNoise(dither: Bool) -> Double {
        let sr = 48_000.0, n = 1 << 16
        let f = 750.0  // on a bin: 750 × 65536 / 48000 = 1024
        let x = Signals.sine(frequencyHz: f, amplitudeDBFS: -84, seconds: Double(n) / sr, sampleRate: sr)
        var q = [Int32](repeating: 0, count: n)
        var d: TPDFDither? = dither ? TPDFDither(seed: 7) : nil
        x.withUnsafeBufferPointer { src in q.withUnsafeMutableBufferPointer { Quantizer.quantize(src, bits: 16, dither: &d, into: $0) } }
        let y = q.map { Float($0) / 32768 }
        let fft = RealFFT(size: n)
        var power = [Float](repeating: 0, count: fft.binCount)
        y.withUnsafeBufferPointer { fft.powerSpectrum($0, window: RealFFT.hann(n), into: &power) }
        let harmonic = Double(power[3072 - 1...3072 + 1].reduce(0, +))
        let noise = Double(power[3200..<4200].reduce(0, +)) / 1000 * 3
        return 10 * log10(harmonic / max(noise, 1e-30))
    }

    @Test func ditheredQuietSineHasNoTruncationDistortion() {
        let plain = Self.thirdHarmonicOverNoise(dither: false)
        let dithered = Self.thirdHarmonicOverNoise(dither: true)
        #expect(plain > 20, "undithered: the 3rd harmonic stands \(plain) dB over the floor")
        #expect(dithered < 6, "dithered: the 3rd harmonic is in the noise (\(dithered) dB)")
    }
}
