import HeadroomDSP
import HeadroomSignals
import Testing

/// The C meter loop gives the Swift loop's doubles bit for bit, portable and vectorized, across calls.
@Suite struct FusedMetersTests {
    static func filters() -> [StereoBiquad] {
        [StereoBiquad(.highShelf(frequencyHz: 1500, gainDB: 4, sampleRate: 44_100)),
         StereoBiquad(.highPass(frequencyHz: 38, sampleRate: 44_100)),
         StereoBiquad(.lowPass(frequencyHz: 120, sampleRate: 44_100)),
         StereoBiquad(.lowPass(frequencyHz: 120, sampleRate: 44_100))]
    }

    @Test(arguments: [0, 1])
    func matchesTheSwiftLoopBitForBit(level: Int) {
        let n = 10_000
        let l = Signals.pinkNoise(rmsDBFS: -12, count: n, seed: 21)
        let r = Signals.sine(frequencyHz: 60, amplitudeDBFS: -6, seconds: Double(n) / 44_100, sampleRate: 44_100)
        // The reference: the same steps in Swift.
        var f = Self.filters()
        var energy = SIMD2<Double>(), mono = 0.0, squares = SIMD2<Double>(), product = 0.0, low = SIMD2<Double>(), lowProduct = 0.0
        for i in 0..<n {
            let x = SIMD2(Double(l[i]), Double(r[i]))
            let y = f[1].process(f[0].process(x))
            energy = y * y + energy
            let m = y.x + y.y
            mono += m * m
            squares = x * x + squares
            product += x.x * x.y
            let b = f[3].process(f[2].process(x))
            low = b * b + low
            lowProduct += b.x * b.y
        }
        // The kernel, in uneven pieces.
        let g0 = Self.filters()
        var (shelf, highPass, low1, low2) = (g0[0], g0[1], g0[2], g0[3])
        var sums = FusedMeters.Sums()
        var start = 0
        for size in [1, 7, 4410, 3, 10_000] where start < n {
            let end = min(n, start + size)
            l.withUnsafeBufferPointer { lp in
                r.withUnsafeBufferPointer { rp in
                    FusedMeters.run(UnsafeBufferPointer(rebasing: lp[start..<end]), UnsafeBufferPointer(rebasing: rp[start..<end]),
                                    shelf: &shelf, highPass: &highPass, low1: &low1, low2: &low2, sums: &sums, level: level)
                }
            }
            start = end
        }
        #expect(sums.energy == energy && sums.mono == mono)
        #expect(sums.squares == squares && sums.product == product)
        #expect(sums.lowSquares == low && sums.lowProduct == lowProduct)
        for (k, g) in [shelf, highPass, low1, low2].enumerated() {
            #expect(g.state.z1 == f[k].state.z1 && g.state.z2 == f[k].state.z2, "filter \(k)")
        }
        #expect(energy.x > 0 && low.y > 0)
    }
}
