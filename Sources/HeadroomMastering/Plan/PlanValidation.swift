import HeadroomChecklist

/// A setting of a plan outside what the renderer can take: the key, the value and the allowed range, in
/// one line ("plan.limiter.lookaheadMilliseconds is 1000000000; allowed 0.5 to 20").
public struct PlanValidationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var key: String
    public var value: String
    public var allowed: String
    public var description: String { "\(key) is \(value); allowed \(allowed)" }
}

/// The ranges every setting of a plan must keep, the same as the command line's options where there is
/// one (the target, the ceiling, even-out, the most limiting, bits, rates). Checked when a session is
/// loaded, so an edited or damaged session is refused with one line before anything is rendered.
public enum PlanValidation {
    /// Audio the plan will be rendered on (sections must lie inside it).
    public static func validate(_ plan: MasteringPlan, durationSeconds: Double) throws {
        var c = Checker()
        c.range("plan.target.integratedLUFS", plan.target.integratedLUFS, -40, -3)
        c.range("plan.target.ceilingDBTP", plan.target.ceilingDBTP, -9, 0)
        c.range("plan.evenOut", plan.evenOut, 0, 1)
        c.range("plan.maxLimitingLU", plan.maxLimitingLU, 0, 20)

        let g = plan.sectionGain
        c.range("plan.sectionGain.rampMilliseconds", g.rampMilliseconds, 0, 5_000)
        c.count("plan.sectionGain.segments", g.segments.count, 1_000)
        var previousEnd = 0.0
        for (i, s) in g.segments.enumerated() {
            let k = "plan.sectionGain.segments[\(i)]"
            c.range(k + ".startSeconds", s.startSeconds, Self.millisecondsDown(previousEnd), durationSeconds + 1)
            c.range(k + ".endSeconds", s.endSeconds, s.startSeconds, durationSeconds + 1)
            c.range(k + ".gainDB", s.gainDB, -24, 24)
            if s.endSeconds.isFinite { previousEnd = s.endSeconds }
        }
        if let t = plan.transient {
            c.range("plan.transient.attackDB", t.attackDB, -12, 12)
            c.range("plan.transient.sustainDB", t.sustainDB, -12, 12)
            c.range("plan.transient.fastAttackMilliseconds", t.fastAttackMilliseconds, 0.05, 50)
            c.range("plan.transient.slowAttackMilliseconds", t.slowAttackMilliseconds, t.fastAttackMilliseconds, 500)
            c.range("plan.transient.releaseMilliseconds", t.releaseMilliseconds, 1, 2_000)
            c.range("plan.transient.sustainReleaseMilliseconds", t.sustainReleaseMilliseconds, t.releaseMilliseconds, 5_000)
        }
        if let clip = plan.softClip {
            c.range("plan.softClip.clipOverCeilingDB", clip.clipOverCeilingDB, 0, 12)
            c.range("plan.softClip.kneeDB", clip.kneeDB, 0.5, 12)
        }
        if let shape = plan.shape {
            c.range("plan.shape.rampMilliseconds", shape.rampMilliseconds, 0, 5_000)
            c.count("plan.shape.sections", shape.sections.count, 1_000)
            if !shape.sections.isEmpty {
                c.range("plan.shape.loudestIndex", Double(shape.loudestIndex), 0, Double(shape.sections.count - 1))
            }
            var previousEnd = 0.0
            for (i, s) in shape.sections.enumerated() {
                let k = "plan.shape.sections[\(i)]"
                // In order and not overlapping, like the section gain's segments.
                c.range(k + ".startSeconds", s.startSeconds, Self.millisecondsDown(previousEnd), durationSeconds + 1)
                if s.endSeconds.isFinite { previousEnd = s.endSeconds }
                c.range(k + ".endSeconds", s.endSeconds, s.startSeconds, durationSeconds + 1)
                c.range(k + ".wantedDistanceLU", s.wantedDistanceLU, 0, 60)
            }
        }
        if let hp = plan.cleanup.highPassHz { c.range("plan.cleanup.highPassHz", hp, 5, 200) }
        bands(&c, "plan.eq.bands", plan.eq.bands)
        if let w = plan.width { bands(&c, "plan.width.sideBands", w.sideBands) }

        compressor(&c, plan.compressor)

        c.range("plan.stereoLows.crossoverHz", plan.stereoLows.crossoverHz, 20, 500)
        c.range("plan.stereoLows.amount", plan.stereoLows.amount, 0, 1)

        limiter(&c, plan.limiter)

        let o = plan.output
        c.member("plan.output.format", o.format, ["wav", "aiff", "flac", "ogg", "opus", "mp3"])
        c.member("plan.output.bits", o.bits, ["16", "24", "32f"])
        if o.format == "flac" && o.bits == "32f" { c.fail("plan.output.bits", "32f", "16 or 24 for FLAC") }
        if let r = o.sampleRateHz { c.range("plan.output.sampleRateHz", r, 8_000, 384_000) }

        c.range("plan.loudestSection.startSeconds", plan.loudestSection.startSeconds, 0, durationSeconds)
        c.range("plan.loudestSection.endSeconds", plan.loudestSection.endSeconds, plan.loudestSection.startSeconds + 0.1, durationSeconds + 1)
        if let m = plan.match {
            for (name, v) in [("eq", m.amounts.eq), ("width", m.amounts.width), ("loudness", m.amounts.loudness), ("dynamics", m.amounts.dynamics)] {
                c.range("plan.match.amounts.\(name)", v, 0, 1)
            }
        }
        if let first = c.errors.first { throw first }
    }

    /// The stages' settings alone, with the same ranges (the studio checks its chain controls with them
    /// before it plans): EQ bands, width bands, compressor and limiter, each when given.
    public static func validateStages(eqBands: [EQBand]? = nil, widthBands: [EQBand]? = nil,
                                      compressor k: CompressorSettings? = nil, limiter l: LimiterSettings? = nil) throws {
        var c = Checker()
        if let eqBands { bands(&c, "plan.eq.bands", eqBands) }
        if let widthBands { bands(&c, "plan.width.sideBands", widthBands) }
        if let k { compressor(&c, k) }
        if let l { limiter(&c, l) }
        if let first = c.errors.first { throw first }
    }

    static func compressor(_ c: inout Checker, _ k: CompressorSettings) {
        c.range("plan.compressor.thresholdDB", k.thresholdDB, -80, 0)
        c.range("plan.compressor.ratio", k.ratio, 1, 20)
        c.range("plan.compressor.kneeDB", k.kneeDB, 0, 24)
        c.range("plan.compressor.attackMilliseconds", k.attackMilliseconds, 0.1, 500)
        c.range("plan.compressor.releaseMilliseconds", k.releaseMilliseconds, 5, 5_000)
        c.range("plan.compressor.slowReleaseMilliseconds", k.slowReleaseMilliseconds, k.releaseMilliseconds, 10_000)
        c.range("plan.compressor.detectorMilliseconds", k.detectorMilliseconds, 1, 1_000)
    }

    static func limiter(_ c: inout Checker, _ l: LimiterSettings) {
        c.range("plan.limiter.inputGainDB", l.inputGainDB, -40, 60)
        c.range("plan.limiter.ceilingDBTP", l.ceilingDBTP, -9, 0)
        c.range("plan.limiter.lookaheadMilliseconds", l.lookaheadMilliseconds, 0.5, 20)
        c.range("plan.limiter.releaseMilliseconds", l.releaseMilliseconds, 1, 2_000)
        c.range("plan.limiter.marginDB", l.marginDB, 0, 1)
    }

    /// A section's end as the next one's lowest start: to the millisecond below, so float noise in a
    /// boundary (43.900000000000006) neither refuses the session nor prints as 43.899999.
    static func millisecondsDown(_ seconds: Double) -> Double { (seconds * 1000).rounded(.down) / 1000 }

    static func bands(_ c: inout Checker, _ key: String, _ bands: [EQBand]) {
        c.count(key, bands.count, 64)
        for (i, b) in bands.enumerated() {
            c.range("\(key)[\(i)].frequencyHz", b.frequencyHz, 10, 24_000)
            c.range("\(key)[\(i)].gainDB", b.gainDB, -24, 24)
            c.range("\(key)[\(i)].q", b.q, 0.1, 20)
        }
    }

    struct Checker {
        var errors: [PlanValidationError] = []

        mutating func fail(_ key: String, _ value: String, _ allowed: String) {
            errors.append(PlanValidationError(key: key, value: value, allowed: allowed))
        }

        mutating func range(_ key: String, _ v: Double, _ lo: Double, _ hi: Double) {
            guard !(v.isFinite && v >= lo && v <= hi) else { return }
            fail(key, v.isFinite ? text(v) : "not a finite number", "\(text(lo)) to \(text(hi))")
        }

        mutating func count(_ key: String, _ n: Int, _ most: Int) {
            if n > most { fail(key, "\(n) entries", "at most \(most)") }
        }

        mutating func member(_ key: String, _ v: String, _ allowed: [String]) {
            if !allowed.contains(v) { fail(key, "\"\(v)\"", allowed.joined(separator: ", ")) }
        }

        func text(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        }
    }
}
