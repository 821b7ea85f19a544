import HeadroomAnalysis
import HeadroomChecklist

/// The one-line summaries the plan prints for a stage's settings. The planner writes its decisions with
/// them, and a session's edits are described with the same words, so the printed plan says what is
/// rendered.
public enum DecisionText {
    public static func eqBand(_ b: EQBand) -> String {
        let kind = b.kind == .bell ? "bell (Q \(fmt(b.q)))" : (b.kind == .lowShelf ? "low shelf" : "high shelf")
        return "\(kind) \(signed(b.gainDB)) dB at \(hz(b.frequencyHz))"
    }

    public static func compressor(_ c: CompressorSettings) -> String {
        "glue \(fmt(c.ratio))∶1, threshold \(fmt(c.thresholdDB)) dBFS, knee \(Int(c.kneeDB)) dB, attack \(Int(c.attackMilliseconds)) ms, release \(Int(c.releaseMilliseconds))–\(Int(c.slowReleaseMilliseconds)) ms"
    }

    public static func limiter(_ l: LimiterSettings) -> String {
        "true-peak limiter, ceiling \(fmt(l.ceilingDBTP)) dBTP, lookahead \(fmt(l.lookaheadMilliseconds)) ms, release \(Int(l.releaseMilliseconds)) ms"
    }

    public static func transient(_ t: TransientSettings) -> String {
        var parts: [String] = []
        if t.attackDB != 0 { parts.append("attack \(signed(t.attackDB)) dB") }
        if t.sustainDB != 0 { parts.append("sustain \(signed(t.sustainDB)) dB") }
        return "transient shaper, " + (parts.isEmpty ? "flat" : parts.joined(separator: ", ")) + " (fast \(fmt(t.fastAttackMilliseconds)) ms / slow \(fmt(t.slowAttackMilliseconds)) ms attack, stereo-linked)"
    }

    public static func softClip(_ c: SoftClipSettings) -> String {
        "soft clipper before the limiter: rounds peaks from \(fmt(c.clipOverCeilingDB - c.kneeDB)) dB over the ceiling towards \(fmt(c.clipOverCeilingDB)) dB over it, 4x oversampled (the limiter then holds the ceiling)"
    }

    public static func stereoLows(_ s: StereoLowsSettings) -> String {
        "mono below \(Int(s.crossoverHz)) Hz" + (s.amount < 1 ? " (\(Int((s.amount * 100).rounded())) %)" : "")
    }

    /// A width set by hand (not by reference matching): the side signal's filters.
    public static func width(_ w: WidthSettings) -> String {
        "side " + w.sideBands.map { "\(signed($0.gainDB)) dB \($0.kind == .highShelf ? "above" : $0.kind == .lowShelf ? "below" : "at") \(hz($0.frequencyHz))" }.joined(separator: ", ")
    }

    /// The shape stage: how far apart it puts the sections back and, once rendered, the gains it set
    /// ("section 1 −3.6, 2 −1.4 dB"; sections left alone are not listed) and the share of the shape kept.
    public static func shape(evenOut: Double, gains: [Double]? = nil, shareRestored: Double = 1) -> String {
        var text = evenOut == 0 ? "sections put back as the mix has them, after the limiter"
            : "sections put back \(Int(((1 - evenOut) * 100).rounded())) % as far apart as the mix has them, after the limiter"
        guard let gains else { return text }
        let cuts = gains.enumerated().filter { abs($0.element) >= 0.05 }
        text += ": " + (cuts.isEmpty ? "no section needed lowering"
            : "section " + cuts.map { "\($0.offset + 1) \(signed($0.element))" }.joined(separator: ", ") + " dB")
        if shareRestored < 0.995 { text += " (\(Int((shareRestored * 100).rounded())) % of the shape: the target's loudness needed the rest)" }
        return text
    }

    /// Section `index` (0-based) of the automation.
    public static func sectionGain(_ s: SectionGainSegment, index: Int) -> String {
        "section \(index + 1) (\(timeText(TimeRange(startSeconds: s.startSeconds, endSeconds: s.endSeconds)))) \(s.gainDB >= 0 ? "+" : "")\(fmt(s.gainDB)) dB"
    }
}

extension MasteringPlan {
    /// Rewrites the decisions of stages whose settings were edited in the session (EQ bands, compressor,
    /// limiter, stereo lows, section gains) or turned off, with the edit named in the reason: the printed
    /// plan and the stored decisions then describe what is rendered. Unedited stages keep their reasons.
    public mutating func describeEdits() {
        let enabled: [String: Bool] = [
            "section-gain": sectionGain.enabled, "cleanup": cleanup.enabled, "eq": eq.enabled,
            "width": width?.enabled ?? false, "compressor": compressor.enabled, "stereo-lows": stereoLows.enabled,
        ]
        for i in decisions.indices {
            let d = decisions[i]
            guard enabled[d.stage] == false, !d.summary.hasPrefix("off") else { continue }
            decisions[i].summary = "off (turned off in the session; was: \(d.summary))"
        }
        if eq.enabled {
            replace(stage: "eq", with: match == nil ? eq.bands.filter { $0.gainDB != 0 }.map(DecisionText.eqBand)
                                                    : [Planner.matchEQSummary(eq.bands)])
        }
        if sectionGain.enabled {
            replace(stage: "section-gain", with: sectionGain.segments.enumerated().filter { $0.element.gainDB != 0 }
                .map { DecisionText.sectionGain($0.element, index: $0.offset) })
        }
        if compressor.enabled { replace(stage: "compressor", with: [DecisionText.compressor(compressor)]) }
        if let width, width.enabled, match == nil { replace(stage: "width", with: [DecisionText.width(width)]) }
        if stereoLows.enabled { replace(stage: "stereo-lows", with: [DecisionText.stereoLows(stereoLows)]) }
        replace(stage: "limiter", with: [DecisionText.limiter(limiter)])
    }

    /// Replaces a stage's decisions when their summaries are not `summaries` (as a set), in place of the
    /// first one, keeping the checklist items they served.
    private mutating func replace(stage: String, with summaries: [String]) {
        let old = decisions.filter { $0.stage == stage }
        let oldSummaries = old.map(\.summary).filter { !$0.hasPrefix("off") }
        // A stored summary may carry a note after the settings' words ("… (refined once on the rendered master)").
        var unmatched = oldSummaries
        for new in summaries {
            guard let k = unmatched.firstIndex(where: { $0.hasPrefix(new) }) else { break }
            unmatched.remove(at: k)
        }
        if unmatched.isEmpty && oldSummaries.count == summaries.count { return }
        let at = decisions.firstIndex { $0.stage == stage } ?? decisions.count
        let ids = Array(Set(old.flatMap(\.itemIDs))).sorted()
        let reason = old.isEmpty || old.allSatisfy({ $0.summary.hasPrefix("off") })
            ? "turned on or set in the session"
            : "set in the session (the plan had: \(old.map(\.summary).joined(separator: "; ")))"
        decisions.removeAll { $0.stage == stage }
        decisions.insert(contentsOf: summaries.map { PlanDecision(stage: stage, summary: $0, reason: reason, itemIDs: ids) },
                         at: min(at, decisions.count))
    }
}
