import Foundation
import HeadroomDSP

/// A stereo-linked transient shaper. A fast envelope follows the louder channel's peaks (attack
/// `fastAttackMilliseconds`, release `releaseMilliseconds`); from it:
/// - attack: a slow envelope (attack `slowAttackMilliseconds`, falling with it at once) lags on a hit, and
///   the fast one's lead in dB is the transient;
/// - sustain: a holding envelope (instant attack, release `sustainReleaseMilliseconds`) stays up while a
///   note rings, and its lead over the fast one is the sustain.
/// Differences under `deadbandDB` (the ripple of a steady low note's envelope) count as none; the gain is
/// `attackDB` at a full transient (`fullScaleDB` over the deadband) and `sustainDB` at a full sustain. The gain computer runs every `controlInterval` samples (counted from the
/// start of the signal, so the block size does not matter) and the gain is ramped linearly between.
/// No lookahead: latency 0. With both amounts at 0 (or disabled) it leaves the signal untouched.
public final class TransientShaperStage: AudioStage {
    public let settings: TransientSettings
    static let controlInterval = 16
    /// The envelope difference (dB) at which the full amount applies.
    public static let fullScaleDB = 6.0
    /// A steady 60 Hz note ripples the fast envelope by about 1.2 dB: differences under 2 dB are no transient.
    public static let deadbandDB = 2.0
    /// Envelopes never fall under this (−100 dBFS), so silence reads no transient.
    static let floor = 1e-5

    private var fastAttack = 0.0, slowAttack = 0.0, release = 0.0, longRelease = 0.0
    private var attackFast = 0.0, attackSlow = 0.0, sustainLong = 0.0
    private var currentGain: Float = 1, gainStep: Float = 0
    private var phase = 0
    /// Sum and count of the gain (dB) at control points where a transient was shaped, for reports.
    public private(set) var shapedSumDB = 0.0
    public private(set) var controlCount = 0

    public init(settings: TransientSettings) { self.settings = settings }
    public var latencyFrames: Int { 0 }
    var isActive: Bool { settings.enabled && (settings.attackDB != 0 || settings.sustainDB != 0) }

    public func prepare(_ spec: ProcessSpec) {
        func alpha(_ ms: Double) -> Double { 1 - exp(-1 / (max(0.01, ms) * spec.sampleRate / 1000)) }
        fastAttack = alpha(settings.fastAttackMilliseconds)
        slowAttack = alpha(settings.slowAttackMilliseconds)
        release = alpha(settings.releaseMilliseconds)
        longRelease = alpha(settings.sustainReleaseMilliseconds)
        reset()
    }

    public func reset() {
        attackFast = Self.floor; attackSlow = Self.floor; sustainLong = Self.floor
        currentGain = 1; gainStep = 0; phase = 0
        shapedSumDB = 0; controlCount = 0
    }

    /// The gain (dB) for a transient of `attackDifferenceDB` and a sustain of `sustainDifferenceDB`.
    @inlinable public static func gainDB(attackDifferenceDB: Double, sustainDifferenceDB: Double, settings s: TransientSettings) -> Double {
        s.attackDB * min(1, max(0, attackDifferenceDB - deadbandDB) / fullScaleDB)
            + s.sustainDB * min(1, max(0, sustainDifferenceDB - deadbandDB) / fullScaleDB)
    }

    public func process(_ block: AudioBlock) {
        let n = block.frameCount
        guard isActive else { return }
        let channels = block.channels
        var aF = attackFast, aS = attackSlow, sL = sustainLong
        var currentGain = self.currentGain, gainStep = self.gainStep, phase = self.phase
        var shapedSum = shapedSumDB, count = controlCount
        let fa = fastAttack, sa = slowAttack, r = release, lr = longRelease
        let s = settings, interval = Self.controlInterval, floor = Self.floor
        for i in 0..<n {
            var p = Double(abs(channels[0][i]))
            if channels.count > 1 { p = max(p, Double(abs(channels[1][i]))) }
            p = max(p, floor)
            aF += (p - aF) * (p > aF ? fa : r)
            aS = aF > aS ? aS + (aF - aS) * sa : aF
            sL = aF > sL ? aF : sL + (aF - sL) * lr
            if phase == 0 {
                let g = Self.gainDB(attackDifferenceDB: 20 * log10(aF / aS), sustainDifferenceDB: 20 * log10(sL / aF), settings: s)
                if g != 0 { shapedSum += g; count += 1 }
                gainStep = (Float(pow(10, g / 20)) - currentGain) / Float(interval)
            }
            currentGain += gainStep
            for c in channels { c[i] *= currentGain }
            phase = phase + 1 == interval ? 0 : phase + 1
        }
        attackFast = aF; attackSlow = aS; sustainLong = sL
        self.currentGain = currentGain; self.gainStep = gainStep; self.phase = phase
        shapedSumDB = shapedSum; controlCount = count
    }

    /// Mean gain (dB) where the shaper acted.
    public var meanShapedDB: Double { controlCount > 0 ? shapedSumDB / Double(controlCount) : 0 }
}
