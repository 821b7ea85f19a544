import CHeadroomKernels
import Foundation
import HeadroomDSP

/// A fixed gain (the limiter's input gain when the soft clipper goes first). Latency 0.
public final class GainStage: AudioStage {
    public let gainDB: Double
    private let gain: Float

    public init(gainDB: Double) { self.gainDB = gainDB; gain = Float(Decibels.toAmplitude(gainDB)) }
    public var latencyFrames: Int { 0 }
    public func prepare(_ spec: ProcessSpec) {}
    public func reset() {}

    public func process(_ block: AudioBlock) {
        let g = gain
        for c in block.channels { for i in c.indices { c[i] *= g } }
    }
}

/// Clip-gain automation per section: each segment's gain, crossfaded with raised-cosine ramps centred
/// on the boundaries (no clicks). Latency 0.
public final class SectionGainStage: AudioStage {
    public let settings: SectionGainSettings
    private var sampleRate = 44_100.0
    private var gains: [Float] = []
    private var boundaries: [Int] = []  // first frame of segment k (k ≥ 1)
    private var halfRamp = 1
    private var position = 0

    public init(settings: SectionGainSettings) { self.settings = settings }
    public var latencyFrames: Int { 0 }

    public func prepare(_ spec: ProcessSpec) {
        sampleRate = spec.sampleRate
        let segments = settings.segments.sorted { $0.startSeconds < $1.startSeconds }
        gains = segments.map { Float(Decibels.toAmplitude($0.gainDB)) }
        boundaries = segments.dropFirst().map { Int(($0.startSeconds * spec.sampleRate).rounded()) }
        halfRamp = max(1, Int((settings.rampMilliseconds / 2000 * spec.sampleRate).rounded()))
        reset()
    }

    public func reset() { position = 0 }

    /// The gain at absolute frame `n`.
    public func gain(atFrame n: Int) -> Float {
        guard !gains.isEmpty else { return 1 }
        var k = 0
        while k < boundaries.count && n >= boundaries[k] { k += 1 }
        // Inside the ramp of the boundary before or after?
        if k > 0 && n < boundaries[k - 1] + halfRamp { return ramp(n, boundary: boundaries[k - 1], from: gains[k - 1], to: gains[k]) }
        if k < boundaries.count && n >= boundaries[k] - halfRamp { return ramp(n, boundary: boundaries[k], from: gains[k], to: gains[k + 1]) }
        return gains[k]
    }

    private func ramp(_ n: Int, boundary: Int, from a: Float, to b: Float) -> Float {
        let x = Double(n - (boundary - halfRamp)) / Double(2 * halfRamp)
        let w = Float(0.5 - 0.5 * cos(Double.pi * min(1, max(0, x))))
        return a + (b - a) * w
    }

    public func process(_ block: AudioBlock) {
        let n = block.frameCount
        guard settings.enabled, !gains.isEmpty else { position += n; return }
        var i = 0
        while i < n {
            let frame = position + i
            // Constant stretch until the next ramp starts?
            var k = 0
            while k < boundaries.count && frame >= boundaries[k] + halfRamp { k += 1 }
            let inRamp = k < boundaries.count && frame >= boundaries[k] - halfRamp
            if inRamp {
                let g = gain(atFrame: frame)
                for c in block.channels { c[i] *= g }
                i += 1
            } else {
                let end = k < boundaries.count ? min(n, boundaries[k] - halfRamp - position) : n
                let g = gains[k]
                for c in block.channels { for j in i..<end { c[j] *= g } }
                i = end
            }
        }
        position += n
    }
}

/// DC removal (first-order 5 Hz high-pass) and an optional second-order Butterworth subsonic high-pass.
public final class CleanupStage: AudioStage {
    public let settings: CleanupSettings
    private var dcPole = 0.0
    private var dcState: [(x1: Double, y1: Double)] = []
    private var highPass: [Biquad] = []

    public init(settings: CleanupSettings) { self.settings = settings }
    public var latencyFrames: Int { 0 }

    public func prepare(_ spec: ProcessSpec) {
        dcPole = exp(-2 * Double.pi * 5 / spec.sampleRate)
        dcState = Array(repeating: (0, 0), count: spec.channelCount)
        highPass = settings.highPassHz.map { hz in
            Array(repeating: Biquad(.highPass(frequencyHz: hz, sampleRate: spec.sampleRate)), count: spec.channelCount)
        } ?? []
    }

    public func reset() {
        for c in dcState.indices { dcState[c] = (0, 0) }
        for c in highPass.indices { highPass[c].reset() }
    }

    public func process(_ block: AudioBlock) {
        guard settings.enabled else { return }
        for (c, x) in block.channels.enumerated() {
            if settings.removeDC {
                var (x1, y1) = dcState[c]
                let r = dcPole
                for i in x.indices {
                    let v = Double(x[i])
                    let y = v - x1 + r * y1
                    x1 = v; y1 = y
                    x[i] = Float(y)
                }
                dcState[c] = (x1, y1)
            }
            if !highPass.isEmpty {
                var f = highPass[c]
                for i in x.indices { x[i] = Float(f.process(Double(x[i]))) }
                highPass[c] = f
            }
        }
    }
}

/// The tonal EQ: a cascade of RBJ biquads per channel (minimum phase, latency 0).
public final class ToneEQStage: AudioStage {
    public let settings: ToneEQSettings
    /// Which loop runs: Swift's, frame by frame, or C's (`headroom_biquad_cascade`), a block at a time.
    public let kernel: LoopKernel
    // Both channels through each filter at once (SIMD2 lanes; mono uses lane 0).
    private var filters: [StereoBiquad] = []
    // The C loop's coefficients (5 per filter) and state (4 per filter).
    private var coefficients: [Double] = [], state: [Double] = []

    public init(settings: ToneEQSettings, kernel: LoopKernel = .default) {
        self.settings = settings
        self.kernel = kernel
    }
    public var latencyFrames: Int { 0 }

    public func prepare(_ spec: ProcessSpec) {
        filters = settings.bands.map { StereoBiquad($0.coefficients(sampleRate: spec.sampleRate)) }
        coefficients = BiquadCoefficients.kernelRows(filters.map(\.coefficients))
        state = [Double](repeating: 0, count: 4 * filters.count)
    }

    public func reset() {
        for k in filters.indices { filters[k].reset() }
        for i in state.indices { state[i] = 0 }
    }

    public func process(_ block: AudioBlock) {
        guard settings.enabled, !filters.isEmpty else { return }
        guard case .c(let level) = kernel else { processReference(block); return }
        let l = block.channels[0], r: UnsafeMutablePointer<Float>? = block.channels.count > 1 ? block.channels[1].baseAddress : nil
        let count = filters.count
        coefficients.withUnsafeBufferPointer { c in
            state.withUnsafeMutableBufferPointer { s in
                headroom_biquad_cascade(Int32(level), c.baseAddress!, Int32(count), s.baseAddress!, l.baseAddress!, r, l.count)
            }
        }
    }

    /// The cascade frame by frame, in Swift.
    func processReference(_ block: AudioBlock) {
        let l = block.channels[0], r = block.channels.count > 1 ? block.channels[1] : block.channels[0]
        let stereo = block.channels.count > 1
        // Sample by sample through the whole cascade: each filter's recurrence is independent of the
        // others', so with many filters (a match EQ has 27) they overlap instead of waiting on each other.
        let count = filters.count
        filters.withUnsafeMutableBufferPointer { f in
            for i in l.indices {
                var y = SIMD2(Double(l[i]), stereo ? Double(r[i]) : 0)
                for k in 0..<count { y = f[k].process(y) }
                l[i] = Float(y.x)
                if stereo { r[i] = Float(y.y) }
            }
        }
    }
}

/// Width per band: the side signal through its own EQ (shelves and bells), the mid untouched. Used by
/// reference matching to bring each band's side-to-mid ratio towards the reference's.
public final class WidthStage: AudioStage {
    public let settings: WidthSettings
    /// Which loop runs: Swift's, frame by frame, or C's (`headroom_side_cascade`), a block at a time.
    public let kernel: LoopKernel
    private var filters: [Biquad] = []
    // The C loop's coefficients (5 per filter) and state (4 per filter, the right lanes unused).
    private var coefficients: [Double] = [], state: [Double] = []

    public init(settings: WidthSettings, kernel: LoopKernel = .default) {
        self.settings = settings
        self.kernel = kernel
    }
    public var latencyFrames: Int { 0 }

    public func prepare(_ spec: ProcessSpec) {
        filters = settings.sideBands.map { Biquad($0.coefficients(sampleRate: spec.sampleRate)) }
        coefficients = BiquadCoefficients.kernelRows(filters.map(\.coefficients))
        state = [Double](repeating: 0, count: 4 * filters.count)
    }

    public func reset() {
        for k in filters.indices { filters[k].reset() }
        for i in state.indices { state[i] = 0 }
    }

    public func process(_ block: AudioBlock) {
        guard settings.enabled, !filters.isEmpty, block.channels.count == 2 else { return }
        guard case .c(let level) = kernel else { processReference(block); return }
        let l = block.channels[0], r = block.channels[1], count = filters.count
        coefficients.withUnsafeBufferPointer { c in
            state.withUnsafeMutableBufferPointer { s in
                headroom_side_cascade(Int32(level), c.baseAddress!, Int32(count), s.baseAddress!, l.baseAddress!, r.baseAddress!, l.count)
            }
        }
    }

    /// The side's cascade frame by frame, in Swift.
    func processReference(_ block: AudioBlock) {
        let l = block.channels[0], r = block.channels[1]
        var chain = filters
        let count = chain.count
        chain.withUnsafeMutableBufferPointer { f in
            for i in l.indices {
                let mid = (Double(l[i]) + Double(r[i])) * 0.5
                var side = (Double(l[i]) - Double(r[i])) * 0.5
                for k in 0..<count { side = f[k].process(side) }
                l[i] = Float(mid + side)
                r[i] = Float(mid - side)
            }
        }
        filters = chain
    }
}

public final class StereoLowsStage: AudioStage {
    public let settings: StereoLowsSettings
    private var highPass: (Biquad, Biquad) = (Biquad(.identity), Biquad(.identity))

    public init(settings: StereoLowsSettings) { self.settings = settings }
    public var latencyFrames: Int { 0 }

    public func prepare(_ spec: ProcessSpec) {
        let hp = Biquad(.highPass(frequencyHz: settings.crossoverHz, sampleRate: spec.sampleRate))
        highPass = (hp, hp)
    }

    public func reset() { highPass.0.reset(); highPass.1.reset() }

    public func process(_ block: AudioBlock) {
        guard settings.enabled, block.channels.count == 2 else { return }
        let l = block.channels[0], r = block.channels[1]
        var (f1, f2) = highPass
        let amount = settings.amount
        for i in l.indices {
            let mid = (Double(l[i]) + Double(r[i])) * 0.5
            let side = (Double(l[i]) - Double(r[i])) * 0.5
            let narrowed = (1 - amount) * side + amount * f2.process(f1.process(side))
            l[i] = Float(mid + narrowed)
            r[i] = Float(mid - narrowed)
        }
        highPass = (f1, f2)
    }
}
