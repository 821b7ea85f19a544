import HeadroomAnalysis
import HeadroomChecklist

/// The transient shaper and the soft clipper: peak control before the limiter, set up on the loudest section.
extension Planner {
    /// Hits are softened by at most this much (at a full transient), so the drums keep their snap.
    static let maxSoftenDB = 4.0
    /// Attack is brought back by at most this much: more would only feed the limiter.
    static let maxRestoreAttackDB = 3.0
    /// The shaper softens only when the loudest section's peaks would stand this far over the ceiling at the
    /// target's gain: under it the limiter's work is light and transparent anyway.
    static let softenFromExcessDB = 2.0
    /// Restoring attack needs this much room under the ceiling at the target.
    static let restoreNeedsRoomDB = 1.0
    /// Loud targets (from −12 LUFS up) put the soft clipper before the limiter by default: there the limiter
    /// would take several dB off the fastest hits, and a clipper rounds them off with less pumping.
    static let softClipFromLUFS = -12.0

    /// How far the loudest section's sample peaks would stand over the ceiling at the target's gain (dB).
    static func peakExcessDB(_ a: Analysis, target: LoudnessTarget) -> Double {
        a.loudestSection.samplePeakDBFS + (target.integratedLUFS - a.loudness.integratedLUFS) - target.ceilingDBTP
    }

    /// The shaper's settings and the decision, from the transient items of the checklist; nil when no item asks.
    static func transientShaper(_ a: Analysis, checklist: Checklist, target: LoudnessTarget) -> (TransientSettings, PlanDecision)? {
        let loudest = a.loudestSection
        let excess = peakExcessDB(a, target: target)
        let half = { (x: Double) in (x * 2).rounded() / 2 }
        if let item = checklist.item(key: "transients.spiky") {
            guard excess > softenFromExcessDB else {
                return (TransientSettings(), PlanDecision(stage: "transient", summary: "off",
                    reason: "the loudest section's hits stand \(fmt(loudest.crestFactorDB)) dB over its body, but at \(fmt(target.integratedLUFS)) LUFS " + (excess > 0.05 ? "its peaks reach only \(fmt(excess)) dB over the ceiling" : "its peaks stay under the ceiling") + ": the limiter handles them lightly",
                    itemIDs: [item.id]))
            }
            let amount = half(min(maxSoftenDB, 0.5 * excess))
            let s = TransientSettings(enabled: true, attackDB: -amount)
            return (s, PlanDecision(stage: "transient", summary: DecisionText.transient(s),
                reason: "the loudest section's hits stand \(fmt(loudest.crestFactorDB)) dB over its body, and at \(fmt(target.integratedLUFS)) LUFS its peaks would reach \(fmt(excess)) dB over the ceiling: softening the sharpest hits by \(fmt(amount)) dB (half that excess, at most \(fmt(maxSoftenDB)) dB) leaves the limiter less to take",
                itemIDs: [item.id]))
        }
        if let item = checklist.item(key: "transients.squashed") {
            let room = -excess
            guard room > restoreNeedsRoomDB else {
                return (TransientSettings(), PlanDecision(stage: "transient", summary: "off",
                    reason: "the loudest section's hits are squashed (\(fmt(loudest.crestFactorDB)) dB crest), but at \(fmt(target.integratedLUFS)) LUFS there is no room under the ceiling: attack brought back would only feed the limiter",
                    itemIDs: [item.id]))
            }
            let amount = half(min(maxRestoreAttackDB, ChecklistThresholds.squashedCrestDB - loudest.crestFactorDB + 1, room - 0.5))
            guard amount > 0 else { return nil }
            let s = TransientSettings(enabled: true, attackDB: amount)
            return (s, PlanDecision(stage: "transient", summary: DecisionText.transient(s),
                reason: "the loudest section's hits stand only \(fmt(loudest.crestFactorDB)) dB over its body; at \(fmt(target.integratedLUFS)) LUFS its peaks stay \(fmt(room)) dB under the ceiling, room to bring \(fmt(amount)) dB of attack back",
                itemIDs: [item.id]))
        }
        return nil
    }

    /// The soft clipper: on for loud targets unless the user said otherwise (`requested`).
    static func softClip(target: LoudnessTarget, requested: Bool?, itemIDs: [Int]) -> (SoftClipSettings, PlanDecision)? {
        let on = requested ?? (target.integratedLUFS >= softClipFromLUFS)
        guard on else { return nil }
        let s = SoftClipSettings(enabled: true)
        return (s, PlanDecision(stage: "soft-clip", summary: DecisionText.softClip(s),
            reason: requested == true
                ? "asked for: the fastest peaks are rounded off before the limiter"
                : "a loud target (\(fmt(target.integratedLUFS)) LUFS, from \(fmt(softClipFromLUFS)) up): the fastest peaks are rounded off, 4x oversampled, before the limiter, so it takes less gain reduction at the same loudness",
            itemIDs: itemIDs))
    }
}
