import HeadroomDSP

/// What the master's codec check encodes: short windows around the highest peaks of the whole song, not
/// one stretch of the loudest section, so a risky passage anywhere is heard by the encoders, at the same
/// cost for any song length. Windows are joined with short fades and silence (a hard cut would ring).
public enum CodecExcerpt {
    /// Windows taken, and their length: 12 × 1.5 s (18 s, about the cost of the 15 s the check encoded before;
    /// measured on the corpus, 16 × 1.25 s and 5 × 3 s both missed the whole file's worst peak by more).
    public static let windowCount = 12
    public static let windowSeconds = 1.5
    static let fadeSeconds = 0.02
    static let gapSeconds = 0.25
    static let blockSeconds = 0.5

    /// The start frames of the windows, earliest first.
    public static func windowStarts(_ master: AudioBuffer) -> [Int] {
        let sr = master.sampleRate, n = master.frameCount
        let window = min(n, Int(windowSeconds * sr)), block = max(1, Int(blockSeconds * sr))
        guard n > window else { return [0] }
        // Where an encoder overshoots: lossy codecs cut the top of the spectrum, and a limited waveform whose
        // highs are cut rings over its peaks. So each half-second block is ranked by the peak of the master
        // low-passed where the encoders cut (a 4th-order Butterworth), the highest first.
        var peaks: [(frame: Int, peak: Float)] = []
        peaks.reserveCapacity(n / block + 1)
        var filters = lowPassSections(sampleRate: sr)
        let right = master.channelCount > 1 ? 1 : 0
        master.channels[0].withUnsafeBufferPointer { l in
            master.channels[right].withUnsafeBufferPointer { r in
                var start = 0
                while start < n {
                    let end = min(n, start + block)
                    let (at, p) = blockPeak(l, r, start..<end, filters: &filters)
                    peaks.append((at, p))
                    start = end
                }
            }
        }
        peaks.sort { $0.peak > $1.peak || ($0.peak == $1.peak && $0.frame < $1.frame) }
        var starts: [Int] = []
        for candidate in peaks where starts.count < windowCount {
            let s = max(0, min(n - window, candidate.frame - window / 2))
            if starts.allSatisfy({ abs($0 - s) >= window }) { starts.append(s) }
        }
        return starts.sorted()
    }

    /// Where streaming encoders cut the highs (LAME at 128 kbps: about 16–17 kHz).
    static let encoderCutoffHz = 16_000.0

    /// The low-pass's two sections (the Butterworth Qs of a 4th order), both channels at once; nil when the
    /// sample rate leaves nothing above the cutoff.
    static func lowPassSections(sampleRate: Double) -> (StereoBiquad, StereoBiquad)? {
        guard sampleRate > 2.2 * encoderCutoffHz else { return nil }
        return (StereoBiquad(.lowPass(frequencyHz: encoderCutoffHz, q: 0.5412, sampleRate: sampleRate)),
                StereoBiquad(.lowPass(frequencyHz: encoderCutoffHz, q: 1.3066, sampleRate: sampleRate)))
    }

    /// The highest low-passed sample of `range` over both channels and where it is (the first, on a tie; left
    /// before right). The signal is rounded to Float between the sections, as a filtered copy would be.
    static func blockPeak(_ l: UnsafeBufferPointer<Float>, _ r: UnsafeBufferPointer<Float>, _ range: Range<Int>,
                          filters: inout (StereoBiquad, StereoBiquad)?) -> (frame: Int, peak: Float) {
        var p: Float = 0, at = range.lowerBound
        var pl: Float = 0, atl = range.lowerBound
        guard var (a, b) = filters else {
            for i in range where abs(l[i]) > pl { pl = abs(l[i]); atl = i }
            for i in range where abs(r[i]) > p { p = abs(r[i]); at = i }
            return p > pl ? (at, p) : (atl, pl)
        }
        for i in range {
            let x = SIMD2(Double(l[i]), Double(r[i]))
            let once = a.process(x)
            let y = b.process(SIMD2(Double(Float(once.x)), Double(Float(once.y))))
            let yl = abs(Float(y.x)), yr = abs(Float(y.y))
            if yl > pl { pl = yl; atl = i }
            if yr > p { p = yr; at = i }
        }
        filters = (a, b)
        return p > pl ? (at, p) : (atl, pl)
    }

    /// The windows joined into one buffer (fades at their edges, silence between).
    public static func make(_ master: AudioBuffer) -> AudioBuffer {
        let sr = master.sampleRate
        let window = min(master.frameCount, Int(windowSeconds * sr)), fade = Int(fadeSeconds * sr), gap = Int(gapSeconds * sr)
        let starts = windowStarts(master)
        var channels = [[Float]](repeating: [], count: master.channelCount)
        for (k, s) in starts.enumerated() {
            for c in 0..<master.channelCount {
                var piece = Array(master.channels[c][s..<(s + window)])
                for i in 0..<min(fade, piece.count / 2) {
                    let g = Float(i) / Float(fade)
                    piece[i] *= g; piece[piece.count - 1 - i] *= g
                }
                channels[c] += piece
                if k < starts.count - 1 { channels[c] += [Float](repeating: 0, count: gap) }
            }
        }
        return AudioBuffer(sampleRate: sr, channels: channels)
    }
}
