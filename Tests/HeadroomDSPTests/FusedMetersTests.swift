import HeadroomDSP
import HeadroomSignals
import Testing

/// The C meter loop gives the Swift loop's doubles bit for bit, portable and vectorized, across calls.
@Suite struct FusedMetersTests {
    static func filters() -> [MeterBiquad] {
        [MeterBiquad(.highShelf(frequencyHz: 1500, gainDB: 4, sampleRate: 44_100)),
         MeterBiquad(.highPass(frequencyHz: 38, sampleRate: 44_100)),
         MeterBiquad(.lowPass(frequencyHz: 120, sampleRate: 44_100)),
         MeterBiquad(.lowPass(frequencyHz: 120, sampleRate: 44_100))]
    }

    /// `body` gets `l` and `r` in pieces of 1, 7, 4410, 3 frames and the rest (a kernel must carry its state
    /// and sums across calls), with each piece's first frame.
    static func inUnevenPieces(_ l: [Float], _ r: [Float],
                               _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, Int) -> Void) {
        l.withUnsafeBufferPointer { lp in
            r.withUnsafeBufferPointer { rp in
                var start = 0
                for size in [1, 7, 4410, 3, l.count] where start < l.count {
                    let end = min(l.count, start + size)
                    body(UnsafeBufferPointer(rebasing: lp[start..<end]), UnsafeBufferPointer(rebasing: rp[start..<end]), start)
                    start = end
                }
            }
        }
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
        Self.inUnevenPieces(l, r) { lp, rp, _ in
            FusedMeters.run(lp, rp, shelf: &shelf, highPass: &highPass, low1: &low1, low2: &low2, sums: &sums, level: level)
        }
        #expect(sums.energy == energy && sums.mono == mono)
        #expect(sums.squares == squares && sums.product == product)
        #expect(sums.lowSquares == low && sums.lowProduct == lowProduct)
        for (k, g) in [shelf, highPass, low1, low2].enumerated() {
            #expect(g.x1 == f[k].x1 && g.x2 == f[k].x2 && g.y1 == f[k].y1 && g.y2 == f[k].y2, "filter \(k)")
        }
        #expect(energy.x > 0 && low.y > 0)
    }

    /// The loudness meter's own C loop gives the Swift steps' doubles bit for bit, portable and SSE2, stereo
    /// with the fold and mono, across calls of uneven lengths.
    @Test(arguments: [0, 1], [true, false])
    func theKWeightingLoopMatchesTheSwiftSteps(level: Int, stereo: Bool) {
        let n = 10_000
        let l = Signals.pinkNoise(rmsDBFS: -12, count: n, seed: 5)
        let r = Signals.sine(frequencyHz: 3_000, amplitudeDBFS: -9, seconds: Double(n) / 44_100, sampleRate: 44_100)
        let f = Self.filters()
        var (s, h) = (f[0], f[1])
        var energy = SIMD2<Double>(), mono = 0.0
        for i in 0..<n {
            let y = h.process(s.process(SIMD2(Double(l[i]), stereo ? Double(r[i]) : 0)))
            energy = y * y + energy
            if stereo { let m = y.x + y.y; mono += m * m }
        }
        var (ks, kh) = (f[0], f[1])
        var kEnergy = SIMD2<Double>(), kMono = 0.0
        Self.inUnevenPieces(l, r) { lp, rp, _ in
            KWeightingKernel.run(lp, stereo ? rp : nil, shelf: &ks, highPass: &kh, energy: &kEnergy, mono: &kMono, foldsMono: stereo, level: level)
        }
        #expect(kEnergy == energy && kMono == mono)
        #expect(ks.y1 == s.y1 && ks.y2 == s.y2 && kh.x1 == h.x1 && kh.y1 == h.y1 && kh.y2 == h.y2)
        #expect(energy.x > 0 && (energy.y > 0) == stereo)
    }

    /// The codec check's low-passed peak search in C finds the Swift steps' peaks and frames, portable and
    /// SSE2, across calls of uneven lengths.
    @Test(arguments: [0, 1])
    func theLowPassPeakSearchMatchesTheSwiftSteps(level: Int) {
        let n = 10_000
        let l = Signals.pinkNoise(rmsDBFS: -12, count: n, seed: 8)
        let r = Signals.pinkNoise(rmsDBFS: -9, count: n, seed: 9)
        let sections = [MeterBiquad(.lowPass(frequencyHz: 16_000, q: 0.5412, sampleRate: 44_100)),
                        MeterBiquad(.lowPass(frequencyHz: 16_000, q: 1.3066, sampleRate: 44_100))]
        var (a, b) = (sections[0], sections[1])
        var peak = SIMD2<Float>(), at = (0, 0)
        for i in 0..<n {
            let once = a.process(SIMD2(Double(l[i]), Double(r[i])))
            let y = b.process(SIMD2(Double(Float(once.x)), Double(Float(once.y))))
            let yl = abs(Float(y.x)), yr = abs(Float(y.y))
            if yl > peak.x { peak.x = yl; at.0 = 100 + i }
            if yr > peak.y { peak.y = yr; at.1 = 100 + i }
        }
        var (ka, kb) = (sections[0], sections[1])
        var kPeak = SIMD2<Float>(), kAt = (0, 0)
        Self.inUnevenPieces(l, r) { lp, rp, start in
            LowPassPeaksKernel.run(lp, rp, base: 100 + start, first: &ka, second: &kb, peaks: &kPeak, at: &kAt, level: level)
        }
        #expect(kPeak == peak && kAt == at)
        #expect(ka.y1 == a.y1 && kb.y2 == b.y2 && kb.x1 == b.x1)
        #expect(peak.x > 0.1 && at.0 >= 100)
    }
}
