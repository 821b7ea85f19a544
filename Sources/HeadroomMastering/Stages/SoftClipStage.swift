import CHeadroomKernels
import Foundation
import HeadroomDSP

/// An oversampled soft clipper for the fastest peaks, before the limiter. The signal is interpolated 4x
/// (the true-peak interpolator's polyphase sinc); where an interpolated value passes the knee, a smooth
/// curve (tanh above the knee, slope 1 at it) bends it towards the clip level; only the difference the curve
/// makes is filtered back to the base rate (the same sinc as a decimator) and added to the delayed input.
/// Under the knee the output is the input delayed, bit for bit, and the aliasing of the bent peaks stays
/// under the base rate's Nyquist filter. Latency: `tapsPerPhase` frames.
///
/// The loop runs in C (`headroom_soft_clip`: a block at a time, 8 or 16 frames per vector), or frame by
/// frame in Swift (a CPU without AVX, and the reference the C loop matches bit for bit).
public final class SoftClipStage: AudioStage {
    public let settings: SoftClipSettings
    /// The clip level (dBFS): the limiter's ceiling plus the settings' offset.
    public let clipLevelDBFS: Double
    static let factor = 4
    static let tapsPerPhase = 32
    static let interpolator = TruePeakInterpolator(factor: factor, tapsPerPhase: tapsPerPhase)
    /// The decimator: the interpolator's prototype in time order, scaled to unity gain at DC.
    static let decimator: [Float] = {
        let t = tapsPerPhase, f = factor, taps = interpolator.taps
        var h = [Float](repeating: 0, count: f * t)
        for p in 0..<f { for j in 0..<t { h[(t - 1 - j) * f + p] = taps[p * t + j] / Float(f) } }
        return h
    }()
    /// The decimator reversed (oldest residual first) in groups of four, for SIMD dot products.
    static let decimatorReversed4: [SIMD4<Float>] = {
        let h = decimator, l = h.count
        return (0..<(l / 4)).map { m in SIMD4((0..<4).map { q in h[l - 1 - (4 * m + q)] }) }
    }()

    private var threshold: Float = 1, knee: Float = 1
    /// Per channel, doubled rings (so every window is contiguous) of `ringSteps` input frames and of their
    /// upsampled residuals, all in one array: channel c's history at c × historyStride, residuals after.
    private var rings: [Float] = []
    private var channelCount = 0
    private var position = 0                  // input frames seen
    private var hot = 0                       // frames left in which an interpolated value may pass the knee
    private var live = 0                      // frames left in which the residual ring holds a non-zero value
    /// Interpolated values that were bent, for reports.
    public private(set) var clippedCount = 0
    /// Which loop runs: Swift's, frame by frame, or C's, a block at a time.
    public let kernel: LoopKernel
    // The C loop's state and buffers (see `headroom_soft_clip`).
    private var kernelState = headroom_soft_clip_state()
    // Per channel, at c × the channel's length: its history (t + n samples), its bends (4 phases at `residualStride`).
    private var histories: [Float] = [], residuals: [Float] = []
    private var scratch: [Float] = [], flags: [UInt8] = []
    private var residualStride = 0

    /// One step more than the filters' span, so the oldest values are not overwritten while in use.
    static let ringSteps = tapsPerPhase + 1
    static var historyLength: Int { 2 * ringSteps }
    static var residualLength: Int { 2 * ringSteps * factor }
    static var channelStride: Int { historyLength + residualLength }

    public init(settings: SoftClipSettings, limiterCeilingDBTP: Double, kernel: LoopKernel = .default) {
        self.settings = settings
        clipLevelDBFS = limiterCeilingDBTP + settings.clipOverCeilingDB
        self.kernel = kernel
    }

    public var latencyFrames: Int { settings.enabled ? Self.tapsPerPhase : 0 }

    public func prepare(_ spec: ProcessSpec) {
        threshold = Float(Decibels.toAmplitude(clipLevelDBFS))
        knee = Float(Decibels.toAmplitude(clipLevelDBFS - settings.kneeDB))
        channelCount = spec.channelCount
        if kernel == .swift {
            rings = [Float](repeating: 0, count: spec.channelCount * Self.channelStride)
        } else {
            let t = Self.tapsPerPhase, n = spec.maxFrameCount
            residualStride = t + n
            histories = [Float](repeating: 0, count: (t + n) * channelCount)
            residuals = [Float](repeating: 0, count: Self.factor * residualStride * channelCount)
            scratch = [Float](repeating: 0, count: Self.factor * n * channelCount)
            flags = [UInt8](repeating: 0, count: 2 * n)
        }
        reset()
    }

    public func reset() {
        for i in rings.indices { rings[i] = 0 }
        for i in histories.indices { histories[i] = 0 }
        for i in residuals.indices { residuals[i] = 0 }
        position = 0; hot = 0; live = 0; clippedCount = 0
        kernelState = headroom_soft_clip_state(t: Int32(Self.tapsPerPhase), knee: knee, threshold: threshold,
                                               trigger: trigger, hot: 0, live: 0, clipped: 0)
    }

    public func process(_ block: AudioBlock) {
        guard settings.enabled else { return }
        guard case .c(let level) = kernel else { processReference(block); return }
        let n = block.frameCount
        guard n > 0 else { return }
        var state = kernelState
        let stride = residualStride, historyLength = histories.count / channelCount
        let left = block.channels[0].baseAddress!, right = block.channels.count > 1 ? block.channels[1].baseAddress : nil
        Self.interpolator.taps.withUnsafeBufferPointer { taps in
            Self.decimatorReversed4.withUnsafeBufferPointer { h4 in
                h4.withMemoryRebound(to: Float.self) { decim in
                    histories.withUnsafeMutableBufferPointer { h in
                        residuals.withUnsafeMutableBufferPointer { r in
                            scratch.withUnsafeMutableBufferPointer { u in
                                flags.withUnsafeMutableBufferPointer { f in
                                    headroom_soft_clip(Int32(level), &state, taps.baseAddress!, decim.baseAddress!, left, right, n,
                                                       h.baseAddress!, historyLength, r.baseAddress!, stride, u.baseAddress!, f.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
        kernelState = state
        clippedCount = state.clipped
    }

    /// The curve: identity up to the knee, then a tanh that leaves it with slope 1 and tends to the clip level.
    /// A sample this loud can push an interpolated value past the knee in the next `tapsPerPhase` frames' windows.
    private var trigger: Float { knee / Self.interpolator.gainBound }

    @inlinable static func bend(_ u: Float, knee: Float, threshold: Float) -> Float {
        let a = abs(u)
        guard a > knee else { return u }
        let span = threshold - knee
        let out = knee + span * Float(tanh(Double((a - knee) / span)))
        return u < 0 ? -out : out
    }

    /// The loop frame by frame, in Swift.
    func processReference(_ block: AudioBlock) {
        let n = block.frameCount, channels = block.channels
        let t = Self.tapsPerPhase, f = Self.factor, l = f * t, steps = Self.ringSteps
        let hLen = Self.historyLength, stride = Self.channelStride, rLen = steps * f
        let knee = self.knee, threshold = self.threshold
        let trigger = self.trigger
        var position = self.position, hot = self.hot, live = self.live, clipped = clippedCount
        var rings = self.rings
        self.rings = []
        defer { self.rings = rings }
        Self.interpolator.byTap4.withUnsafeBufferPointer { byTap in
        Self.decimatorReversed4.withUnsafeBufferPointer { h4 in
        rings.withUnsafeMutableBufferPointer { ring in
            let origin = UnsafeRawPointer(ring.baseAddress!)
            for i in 0..<n {
                let slot = position % steps, rslot = slot * f
                for c in channels.indices where abs(channels[c][i]) >= trigger { hot = t }
                var any = false
                for c in channels.indices {
                    let base = c * stride, rbase = base + hLen
                    let x = channels[c][i]
                    ring[base + slot] = x; ring[base + slot + steps] = x
                    var r = SIMD4<Float>()
                    if hot > 0 {
                        // The window x[n−t+1 ... n] sits at slot + 2 ..< slot + 2 + t of the doubled ring; the
                        // four phases at once, one lane each.
                        let w = base + slot + 2
                        var u = SIMD4<Float>()
                        for j in 0..<t { u = byTap[j] * SIMD4(repeating: ring[w + j]) + u }
                        for p in 0..<f {
                            let d = Self.bend(u[p], knee: knee, threshold: threshold) - u[p]
                            if d != 0 { r[p] = d; clipped += 1; any = true }
                        }
                    }
                    for p in 0..<f { ring[rbase + rslot + p] = r[p]; ring[rbase + rslot + p + rLen] = r[p] }
                }
                if any { live = t + 2 }
                for c in channels.indices {
                    let base = c * stride, rbase = base + hLen
                    // The dry path: x[n − t] (phase 0 of the interpolator lags t/2, the decimator t/2 more).
                    var y = ring[base + slot + 1]
                    if live > 0 {
                        // The last `l` residuals up to the current step's phase 0, oldest first.
                        let oldest = rbase + rslot + rLen - (l - 1)
                        var acc = SIMD4<Float>()
                        for m in 0..<(l / 4) {
                            acc = h4[m] * origin.loadUnaligned(fromByteOffset: (oldest + 4 * m) * MemoryLayout<Float>.stride, as: SIMD4<Float>.self) + acc
                        }
                        y += acc.sum()
                    }
                    channels[c][i] = y
                }
                if live > 0 { live -= 1 }
                if hot > 0 { hot -= 1 }
                position += 1
            }
        }
        }
        }
        self.position = position; self.hot = hot; self.live = live; clippedCount = clipped
    }
}
