import Dispatch
import Foundation
import HeadroomDSP

/// A lookahead true-peak limiter whose ceiling holds by construction at the detector's resolution: 8x
/// (so at 4x too, whose points are a subset). A 4x detector misses up to 0.7 dB between its points on
/// content near Nyquist (measured: +0.27 dB at 8x on limited white noise), hence 8x.
///
/// Per input sample: the 8x polyphase peak (both channels, linked) → required gain r = ceiling/peak →
/// minimum over the lookahead window (monotonic deque, O(1)) → release towards unity (program-dependent:
/// slower while reduction persists) → two cascaded moving averages whose total span equals the
/// lookahead, so the smoothed gain never exceeds the required gain of the sample it is applied to. The
/// audio is delayed by lookahead + half the interpolator, which is the stage's latency.
public final class TruePeakLimiterStage: AudioStage {
    public let settings: LimiterSettings
    public let interpolator: TruePeakInterpolator

    private var channelCount = 2
    private var lookahead = 0, box1Length = 0, box2Length = 0
    private var ceiling: Float = 1
    private var inputGain: Float = 1
    private var releaseAlpha = 0.0, sustainAlpha = 0.0

    // Per-block scratch (allocated in prepare).
    private var history: [[Float]] = []
    private var positionPeaks: [Float] = []
    private var channelPeaks: [Float] = []
    private var blockGains: [Float] = []

    // Streaming state: the scalars in one struct (copied into the hot loop and back), the buffers apart.
    private var state = GainState.initial(box1Length: 1, box2Length: 1)
    private var dequeIndex: [Int] = [], dequeValue: [Float] = []
    private var ring1: [Double] = [], ring2: [Double] = []
    private var delay: [Float] = []  // channel-major, latencyFrames per channel

    /// Detector peaks computed beforehand for this exact input at 0 dB input gain (see
    /// `detectorPeaks(of:)`): the detector is linear, so the peaks at any input gain are these times the
    /// gain, and a loudness search can run the limiter many times for the price of one detection.
    private let cachedPeaks: LimiterCurve?
    /// Where this input starts in `cachedPeaks` (a stretch of the song, run with the song's peaks).
    private let cachedStart: Int
    /// Where the gain applied at each position is recorded (a whole-song pass; it may be `cachedPeaks`,
    /// each peak overwritten once read), for `RecordedGainStage` to apply again.
    private let recording: LimiterCurve?

    public convenience init(settings: LimiterSettings, interpolator: TruePeakInterpolator = TruePeakInterpolator(factor: 8, tapsPerPhase: 32),
                            cachedPeaks: [Float]? = nil, cachedFrom start: Int = 0) {
        self.init(settings: settings, interpolator: interpolator, cache: cachedPeaks.map { LimiterCurve(peaks: $0) }, cachedFrom: start)
    }

    init(settings: LimiterSettings, interpolator: TruePeakInterpolator = TruePeakInterpolator(factor: 8, tapsPerPhase: 32),
         cache: LimiterCurve?, cachedFrom start: Int = 0, recordingInto recording: LimiterCurve? = nil) {
        self.settings = settings
        self.interpolator = interpolator
        self.cachedPeaks = cache
        self.cachedStart = start
        self.recording = recording
    }

    /// The detector's per-position peaks (max over channels) of `audio` at 0 dB, for every position the
    /// limiter will see, including the flush of its latency. Stretches whose peaks cannot reach `floor`
    /// (by the interpolator's gain bound) are left at 0 without interpolating: they cannot matter to a
    /// limiter whose ceiling divided by its input gain stays above `floor`.
    public static func detectorPeaks(of audio: AudioBuffer,
                                     interpolator: TruePeakInterpolator = TruePeakInterpolator(factor: 8, tapsPerPhase: 32),
                                     extraPositions: Int, floor: Float = 0) -> [Float] {
        var peaks = [Float](repeating: 0, count: audio.frameCount + extraPositions)
        peaks.withUnsafeMutableBufferPointer { detectorPeaks(of: audio, interpolator: interpolator, floor: floor, into: $0) }
        return peaks
    }

    /// The same into `out` (zeros, one per position: the song's frames and the extra positions).
    static func detectorPeaks(of audio: AudioBuffer, interpolator: TruePeakInterpolator = TruePeakInterpolator(factor: 8, tapsPerPhase: 32),
                              floor: Float, into out: UnsafeMutableBufferPointer<Float>) {
        let total = out.count
        let blockLength = detectorBlockLength
        // Two halves of the song on two threads (each position's peak depends on its window alone); the
        // halves meet on the block grid, so every block is the block one thread would have run.
        let half = (total / 2 / blockLength) * blockLength
        audio.withChannelPointers(0..<audio.frameCount) { channels in
            let work = UnsafeSendable(value: (channels, out))
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                let (channels, out) = work.value
                detect(channels, positions: part == 0 ? 0..<half : half..<total, into: out,
                       interpolator: interpolator, floor: floor)
            }
        }
    }

    static let detectorBlockLength = 64

    /// `detectorPeaks` for the positions in `range`.
    static func detect(_ channels: [UnsafeBufferPointer<Float>], positions range: Range<Int>, into out: UnsafeMutableBufferPointer<Float>,
                       interpolator: TruePeakInterpolator, floor: Float) {
        let t = interpolator.tapsPerPhase
        let frames = channels[0].count
        let blockLength = detectorBlockLength
        // Positions whose window reaches outside the channel read from a zero-padded copy of its edge.
        var edge = [Float](repeating: 0, count: blockLength + t - 1)
        var blockPeaks = [Float](repeating: 0, count: blockLength)
        let bound = interpolator.gainBound
        for (c, x) in channels.enumerated() {
            edge.withUnsafeMutableBufferPointer { e in
                blockPeaks.withUnsafeMutableBufferPointer { bp in
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let count = min(blockLength, range.upperBound - start)
                        // Position n's window is x[n − T + 1 ... n].
                        let first = start - t + 1, end = start + count  // window samples first..<end
                        let window: UnsafePointer<Float>
                        if first >= 0 && end <= frames {
                            window = x.baseAddress! + first
                        } else {
                            for i in 0..<(count + t - 1) {
                                let j = first + i
                                e[i] = j >= 0 && j < frames ? x[j] : 0
                            }
                            window = UnsafePointer(e.baseAddress!)
                        }
                        if TruePeakInterpolator.absMax(window, count: count + t - 1) * bound >= floor {
                            // The first channel writes its peaks; the others raise them.
                            let target = c == 0 ? out.baseAddress! + start : bp.baseAddress!
                            interpolator.positionPeaks(window, count: count, into: target)
                            if c > 0 { for i in 0..<count { out[start + i] = max(out[start + i], bp[i]) } }
                        }
                        start += count
                    }
                }
            }
        }
    }

    public var latencyFrames: Int { lookahead + interpolator.tapsPerPhase / 2 }

    /// The latency this limiter will have once prepared at `sampleRate`.
    public func latencyAfterPrepare(sampleRate: Double) -> Int {
        lookaheadFrames(sampleRate: sampleRate) + interpolator.tapsPerPhase / 2
    }

    /// The lookahead in frames: at least 2, even (the two moving averages split it).
    func lookaheadFrames(sampleRate: Double) -> Int {
        let l = max(2, Int((settings.lookaheadMilliseconds * sampleRate / 1000).rounded()))
        return l + l % 2
    }

    public func prepare(_ spec: ProcessSpec) {
        channelCount = spec.channelCount
        lookahead = lookaheadFrames(sampleRate: spec.sampleRate)
        box1Length = lookahead / 2 + 1
        box2Length = lookahead / 2 + 1
        ceiling = Float(Decibels.toAmplitude(settings.ceilingDBTP - settings.marginDB))
        inputGain = Float(Decibels.toAmplitude(settings.inputGainDB))
        releaseAlpha = 1 - exp(-1 / (settings.releaseMilliseconds * spec.sampleRate / 1000))
        sustainAlpha = 1 - exp(-1 / spec.sampleRate)  // 1 s follower of the reduction depth
        let t = interpolator.tapsPerPhase
        history = Array(repeating: [Float](repeating: 0, count: spec.maxFrameCount + t - 1), count: channelCount)
        positionPeaks = [Float](repeating: 0, count: spec.maxFrameCount)
        channelPeaks = [Float](repeating: 0, count: spec.maxFrameCount)
        blockGains = [Float](repeating: 0, count: spec.maxFrameCount)
        var capacity = 1
        while capacity < lookahead + 2 { capacity *= 2 }
        dequeIndex = [Int](repeating: 0, count: capacity)
        dequeValue = [Float](repeating: 0, count: capacity)
        ring1 = [Double](repeating: 1, count: box1Length)
        ring2 = [Double](repeating: 1, count: box2Length)
        delay = [Float](repeating: 0, count: latencyFrames * channelCount)
        reset()
    }

    public func reset() {
        for c in history.indices { for i in history[c].indices { history[c][i] = 0 } }
        state = GainState.initial(box1Length: box1Length, box2Length: box2Length)
        for i in ring1.indices { ring1[i] = 1 }
        for i in ring2.indices { ring2[i] = 1 }
        for i in delay.indices { delay[i] = 0 }
    }

    public func process(_ block: AudioBlock) {
        let n = block.frameCount
        guard n > 0 else { return }
        let t = interpolator.tapsPerPhase
        let bound = interpolator.gainBound
        let ceiling = self.ceiling, inputGain = self.inputGain
        // 1. Detector: per-position peaks, max over channels; skip stretches that cannot reach the ceiling.
        positionPeaks.withUnsafeMutableBufferPointer { p in
            if let cached = cachedPeaks {
                let c = cached.storage
                let first = self.cachedStart + self.state.step
                for i in 0..<n { p[i] = first + i < c.count ? c[first + i] * inputGain : 0 }
            } else {
                for i in 0..<n { p[i] = 0 }
            }
        }
        // Without a cache the peaks are those a cache holds, made here: of the input at 0 dB, times the gain
        // (so a render with and without the cache gives the same master, bit for bit). A stretch is skipped
        // when even its bound times the gain stays under the ceiling: any peak there leaves the gain at 1.
        for c in 0..<block.channels.count where cachedPeaks == nil {
            let src = block.channels[c]
            history[c].withUnsafeMutableBufferPointer { h in
                for i in 0..<n { h[t - 1 + i] = src[i] }
                positionPeaks.withUnsafeMutableBufferPointer { peaks in
                    channelPeaks.withUnsafeMutableBufferPointer { cp in
                        var start = 0
                        let stride = 32
                        while start < n {
                            let count = min(stride, n - start)
                            let m = TruePeakInterpolator.absMax(h.baseAddress! + start, count: count + t - 1)
                            if m * bound * inputGain > ceiling {
                                interpolator.positionPeaks(h.baseAddress! + start, count: count, into: cp.baseAddress! + start)
                                for i in start..<(start + count) { peaks[i] = max(peaks[i], cp[i]) }
                            }
                            start += count
                        }
                    }
                }
                // Keep the last T − 1 samples for the next block.
                for i in 0..<(t - 1) { h[i] = h[n + i] }
            }
        }
        if cachedPeaks == nil {
            positionPeaks.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i] *= inputGain } }
        }

        // 2. Gain computer and output, sample by sample: state in a struct, buffers as raw pointers.
        var state = self.state
        let firstStep = state.step
        let constants = GainConstants(ceiling: ceiling, inputGain: inputGain, lookahead: lookahead,
                                      mask: dequeIndex.count - 1, box1Length: box1Length, box2Length: box2Length,
                                      releaseAlpha: releaseAlpha, sustainAlpha: sustainAlpha, delayLength: latencyFrames)
        let out0 = block.channels[0]
        let out1: UnsafeMutableBufferPointer<Float>? = block.channels.count > 1 ? block.channels[1] : nil
        dequeIndex.withUnsafeMutableBufferPointer { dIndex in
            dequeValue.withUnsafeMutableBufferPointer { dValue in
                ring1.withUnsafeMutableBufferPointer { r1 in
                    ring2.withUnsafeMutableBufferPointer { r2 in
                        positionPeaks.withUnsafeBufferPointer { peaks in
                            delay.withUnsafeMutableBufferPointer { line in
                                blockGains.withUnsafeMutableBufferPointer { g in
                                    Self.runGain(&state, constants, n: n, peaks: peaks.baseAddress!, dIndex: dIndex.baseAddress!,
                                                 dValue: dValue.baseAddress!, r1: r1.baseAddress!, r2: r2.baseAddress!,
                                                 line: line.baseAddress!, out0: out0.baseAddress!, out1: out1?.baseAddress,
                                                 gains: g.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
        self.state = state
        if let recording {
            // Each position's peak was read above, before its gain overwrites it (when the two are one buffer).
            let r = recording.storage, count = min(n, r.count - firstStep)
            if count > 0 { blockGains.withUnsafeBufferPointer { (r.baseAddress! + firstStep).update(from: $0.baseAddress!, count: count) } }
        }
    }

    struct GainState {
        var previousPeak: Float
        var dequeHead: Int, dequeCount: Int, step: Int
        var envelope: Double, sustain: Double
        /// The release's coefficient, slowed by the sustain follower; renewed every `releaseControlMask + 1` samples.
        var releaseStep: Double
        var sum1: Double, sum2: Double, ringPos1: Int, ringPos2: Int
        var delayPos: Int

        static func initial(box1Length: Int, box2Length: Int) -> GainState {
            GainState(previousPeak: 0, dequeHead: 0, dequeCount: 0, step: 0, envelope: 1, sustain: 0, releaseStep: 0,
                      sum1: Double(box1Length), sum2: Double(box2Length), ringPos1: 0, ringPos2: 0, delayPos: 0)
        }
    }

    /// The release's slowdown is renewed every 16 samples (0.36 ms at 44.1 kHz; its follower takes 1 s).
    static let releaseControlMask = 15

    struct GainConstants {
        let ceiling: Float, inputGain: Float
        let lookahead: Int, mask: Int, box1Length: Int, box2Length: Int
        let releaseAlpha: Double, sustainAlpha: Double
        let delayLength: Int
    }

    @inline(__always)
    static func runGain(_ st: inout GainState, _ k: GainConstants, n: Int, peaks: UnsafePointer<Float>,
                        dIndex: UnsafeMutablePointer<Int>, dValue: UnsafeMutablePointer<Float>,
                        r1: UnsafeMutablePointer<Double>, r2: UnsafeMutablePointer<Double>,
                        line: UnsafeMutablePointer<Float>, out0: UnsafeMutablePointer<Float>,
                        out1: UnsafeMutablePointer<Float>?, gains: UnsafeMutablePointer<Float>) {
        var s = st
        let inv1 = 1 / Double(k.box1Length), inv2 = 1 / Double(k.box2Length)
        for i in 0..<n {
            let peak = max(s.previousPeak, peaks[i])
            s.previousPeak = peaks[i]
            let required: Float = peak > k.ceiling ? k.ceiling / peak : 1
            // Sliding minimum over the last lookahead + 1 required gains.
            while s.dequeCount > 0 && dValue[(s.dequeHead + s.dequeCount - 1) & k.mask] >= required { s.dequeCount -= 1 }
            dIndex[(s.dequeHead + s.dequeCount) & k.mask] = s.step
            dValue[(s.dequeHead + s.dequeCount) & k.mask] = required
            s.dequeCount += 1
            if dIndex[s.dequeHead] < s.step - k.lookahead { s.dequeHead = (s.dequeHead + 1) & k.mask; s.dequeCount -= 1 }
            let minimum = Double(dValue[s.dequeHead])
            // Release towards unity; slower while reduction persists. The slowdown follows the 1 s reduction
            // follower at a control rate: a division per sample on the envelope's recursion would triple its cost.
            if s.step & Self.releaseControlMask == 0 { s.releaseStep = k.releaseAlpha / (1 + min(3, 20 * s.sustain)) }
            if s.envelope < 1 || minimum < 1 {
                s.envelope = min(minimum, s.envelope + (1 - s.envelope) * s.releaseStep)
            }
            s.sustain += ((1 - s.envelope) - s.sustain) * k.sustainAlpha
            // Two moving averages, total span lookahead + 1.
            s.sum1 += s.envelope - r1[s.ringPos1]; r1[s.ringPos1] = s.envelope
            s.ringPos1 = s.ringPos1 + 1 == k.box1Length ? 0 : s.ringPos1 + 1
            let b1 = s.sum1 * inv1
            s.sum2 += b1 - r2[s.ringPos2]; r2[s.ringPos2] = b1
            s.ringPos2 = s.ringPos2 + 1 == k.box2Length ? 0 : s.ringPos2 + 1
            let gain = Float(min(1, s.sum2 * inv2))
            gains[i] = gain
            s.step += 1
            // Delay line: the output is the input lookahead + T/2 samples older.
            let p = s.delayPos
            let x0 = out0[i] * k.inputGain
            out0[i] = line[p] * gain
            line[p] = x0
            if let out1 {
                let x1 = out1[i] * k.inputGain
                out1[i] = line[k.delayLength + p] * gain
                line[k.delayLength + p] = x1
            }
            s.delayPos = p + 1 == k.delayLength ? 0 : p + 1
        }
        st = s
    }
}
