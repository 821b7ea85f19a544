import Foundation
import HeadroomDSP

/// A feed-forward, stereo-linked glue compressor: RMS detector on the louder channel, soft knee,
/// attack/release smoothing of the gain reduction in dB with a program-dependent release (a slow follower
/// takes over when reduction persists). The gain computer runs every `controlInterval` samples (counted
/// from the start of the signal, so block size does not matter) and the gain is ramped linearly between.
public final class GlueCompressorStage: AudioStage {
    public let settings: CompressorSettings
    static let controlInterval = 16

    private var detectorAlpha = 0.0, attackAlpha = 0.0, releaseAlpha = 0.0, slowAttackAlpha = 0.0, slowReleaseAlpha = 0.0
    private var power = 0.0
    private var fast = 0.0, slow = 0.0
    private var currentGain: Float = 1, targetGain: Float = 1, gainStep: Float = 0
    private var phase = 0
    /// Sum and count of gain reduction (dB) at control points, for reports.
    public private(set) var reductionSumDB = 0.0
    public private(set) var reductionCount = 0
    /// The deepest reduction (dB, ≥ 0) of each `envelopeSeconds` of audio processed, for the studio's plot.
    /// Appended once per interval (amortized, not per sample).
    public private(set) var reductionEnvelopeDB: [Double] = []
    public static let envelopeSeconds = 0.1
    private var envelopeEvery = 1, envelopeCount = 0, envelopePeak = 0.0

    public init(settings: CompressorSettings) { self.settings = settings }
    public var latencyFrames: Int { 0 }

    public func prepare(_ spec: ProcessSpec) {
        let sr = spec.sampleRate
        let control = sr / Double(Self.controlInterval)
        detectorAlpha = 1 - exp(-1 / (settings.detectorMilliseconds * sr / 1000))
        attackAlpha = 1 - exp(-1 / (settings.attackMilliseconds * control / 1000))
        releaseAlpha = 1 - exp(-1 / (settings.releaseMilliseconds * control / 1000))
        slowAttackAlpha = 1 - exp(-1 / (settings.attackMilliseconds * 10 * control / 1000))
        slowReleaseAlpha = 1 - exp(-1 / (settings.slowReleaseMilliseconds * control / 1000))
        envelopeEvery = max(1, Int((Self.envelopeSeconds * control).rounded()))
        reset()
    }

    public func reset() {
        power = 0; fast = 0; slow = 0
        currentGain = 1; targetGain = 1; gainStep = 0; phase = 0
        reductionSumDB = 0; reductionCount = 0
        reductionEnvelopeDB = []; envelopeCount = 0; envelopePeak = 0
    }

    /// Static curve: gain reduction in dB (≥ 0) for a detector level in dB.
    public static func reductionDB(levelDB: Double, settings s: CompressorSettings) -> Double {
        let over = levelDB - s.thresholdDB
        let slope = 1 - 1 / s.ratio
        if 2 * over <= -s.kneeDB { return 0 }
        if 2 * over >= s.kneeDB { return over * slope }
        let x = over + s.kneeDB / 2
        return slope * x * x / (2 * s.kneeDB)
    }

    public func process(_ block: AudioBlock) {
        guard settings.enabled else { return }
        let n = block.frameCount
        let channels = block.channels
        var power = self.power, fast = self.fast, slow = self.slow
        var currentGain = self.currentGain, targetGain = self.targetGain, gainStep = self.gainStep, phase = self.phase
        var reductionSum = reductionSumDB, reductionCount = self.reductionCount
        var envelopeCount = self.envelopeCount, envelopePeak = self.envelopePeak
        let envelopeEvery = self.envelopeEvery
        let s = settings
        let interval = Self.controlInterval
        for i in 0..<n {
            var p = Double(channels[0][i]) * Double(channels[0][i])
            if channels.count > 1 { p = max(p, Double(channels[1][i]) * Double(channels[1][i])) }
            power += (p - power) * detectorAlpha
            if phase == 0 {
                let levelDB = power > 1e-20 ? 10 * log10(power) + 3.01 : -200  // RMS of a sine reads its peak
                let target = Self.reductionDB(levelDB: levelDB, settings: s)
                fast += (target - fast) * (target > fast ? attackAlpha : releaseAlpha)
                slow += (target - slow) * (target > slow ? slowAttackAlpha : slowReleaseAlpha)
                let reduction = max(fast, slow)
                reductionSum += reduction; reductionCount += 1
                envelopePeak = max(envelopePeak, reduction)
                envelopeCount += 1
                if envelopeCount == envelopeEvery {
                    reductionEnvelopeDB.append((envelopePeak * 100).rounded() / 100)
                    envelopeCount = 0; envelopePeak = 0
                }
                targetGain = Float(pow(10, -reduction / 20))
                gainStep = (targetGain - currentGain) / Float(interval)
            }
            currentGain += gainStep
            for c in channels { c[i] *= currentGain }
            phase = phase + 1 == interval ? 0 : phase + 1
        }
        self.power = power; self.fast = fast; self.slow = slow
        self.currentGain = currentGain; self.targetGain = targetGain; self.gainStep = gainStep; self.phase = phase
        reductionSumDB = reductionSum; self.reductionCount = reductionCount
        self.envelopeCount = envelopeCount; self.envelopePeak = envelopePeak
    }

    /// The envelope with the last, partial interval, as a curve over time (reduction as negative dB, like
    /// the limiter's); nil when the stage is off.
    public var gainReductionCurve: GainReductionCurve? {
        guard settings.enabled else { return nil }
        let values = reductionEnvelopeDB + (envelopeCount > 0 ? [(envelopePeak * 100).rounded() / 100] : [])
        return GainReductionCurve(intervalSeconds: Self.envelopeSeconds, reductionDB: values.map { $0 == 0 ? 0 : -$0 })
    }

    /// Mean gain reduction in dB over what was processed.
    public var meanReductionDB: Double { reductionCount > 0 ? reductionSumDB / Double(reductionCount) : 0 }
}
