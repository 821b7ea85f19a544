import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomMastering
import HeadroomSignals
import Testing

/// Reference matching on synthetic pairs whose differences are known: the reference is the mix itself
/// through a known EQ, a known width change or a known gain.
@Suite struct MatchTests {
    static let mix: AudioBuffer = {
        var s = SyntheticSong(sections: [
            .init("verse", seconds: 12, levelDB: -6),
            .init("chorus", seconds: 16, levelDB: 0, bright: true),
            .init("bridge", seconds: 10, levelDB: -8, drums: false),
            .init("last chorus", seconds: 16, levelDB: 1, bright: true),
        ])
        s.peakDBFS = -6
        return s.render()
    }()

    static func processed(_ audio: AudioBuffer, _ stage: AudioStage) -> AudioBuffer {
        var out = audio
        stage.prepare(ProcessSpec(sampleRate: out.sampleRate, maxFrameCount: 4096, channelCount: out.channelCount))
        out.process(with: stage, blockSize: 4096)
        return out
    }

    static func scaled(_ audio: AudioBuffer, db: Double) -> AudioBuffer {
        var out = audio
        let g = Float(Decibels.toAmplitude(db))
        for c in out.channels.indices { for i in out.channels[c].indices { out.channels[c][i] *= g } }
        return out
    }

    static func profile(_ audio: AudioBuffer, name: String) throws -> (ReferenceProfile, Analysis) {
        let a = try Analyzer().analyze(audio)
        return (ReferenceProfile.measure(audio, analysis: a, name: name), a)
    }

    /// Masters `mix` against `reference`; returns the verified report.
    static func master(_ mix: AudioBuffer, reference: AudioBuffer, amounts: MatchAmounts = MatchAmounts(),
                       preset: String = "spotify") throws -> (MasteringPlan, MasterReport, Checklist) {
        let (ref, _) = try profile(reference, name: "reference")
        let a = try Analyzer().analyze(mix)
        let checklist = ChecklistRules.evaluate(a)
        var options = Planner.Options(target: LoudnessTarget.presets[preset]!)
        options.reference = ref
        options.matchAmounts = amounts
        let plan = Planner(options: options).plan(analysis: a, checklist: checklist, audio: mix)
        let outcome = try Mastering.run(mix, analysis: a, checklist: checklist, plan: plan)
        return (outcome.result.plan, outcome.report, outcome.checklist)
    }

    @Test func aKnownEQDifferenceIsMostlyUndone() throws {
        // Reference = the mix with a bright, lean tilt: −4 dB low shelf at 120 Hz, +5 dB high shelf at 5 kHz.
        let tilt = ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [
            EQBand(kind: .lowShelf, frequencyHz: 120, gainDB: -4), EQBand(kind: .highShelf, frequencyHz: 5000, gainDB: 5),
        ]))
        let reference = Self.processed(Self.mix, tilt)
        let (plan, report, checklist) = try Self.master(Self.mix, reference: reference)
        let m = try #require(report.match)
        #expect(m.before.tonalDB > 1.5, "the known difference shows: \(m.before.tonalDB)")
        #expect(m.after.tonalDB < 0.3 * m.before.tonalDB, "tonal distance \(m.before.tonalDB) → \(m.after.tonalDB)")
        // The EQ went the right way: cut in the lows, boost in the highs.
        let response = { (hz: Double) in EQFit.responseDB(plan.eq.bands, atHz: hz, sampleRate: 44_100) }
        #expect(response(8000) - response(60) > 6)
        #expect(checklist.item(key: "match.tone")?.status == .fixed)
        #expect(report.ceilingHeld && report.targetHit)
        // Loudness followed too: the loudest 3 s end up close to the reference's.
        #expect(m.after.loudnessLU < 0.15 && m.after.shortTermLU < 1, "\(m.after.loudnessLU), \(m.after.shortTermLU)")
    }

    /// A streamed job refines the match on a first render that keeps only the sections it measures, then
    /// streams the master: the same refined EQ and the same master, sample for sample, as the render kept
    /// in memory; a plan with nothing to refine (already refined, or no EQ match) renders as planned.
    @Test func theStreamedMatchIsTheMatchInMemory() throws {
        let reference = Self.processed(Self.mix, ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [
            EQBand(kind: .lowShelf, frequencyHz: 150, gainDB: 3), EQBand(kind: .bell, frequencyHz: 2500, gainDB: -4, q: 1),
        ])))
        let (ref, _) = try Self.profile(reference, name: "reference")
        let a = try Analyzer().analyze(Self.mix)
        var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.reference = ref
        let plan = Planner(options: options).plan(analysis: a, checklist: ChecklistRules.evaluate(a), audio: Self.mix)
        #expect(Renderer.refinesMatch(plan))
        let whole = Renderer.render(Self.mix, plan: plan)
        let refined = Renderer.refinedMatchPlan(Self.mix, plan: plan)
        #expect(refined.match?.refined == true && refined.eq == whole.plan.eq, "the same refined EQ")
        #expect(!Renderer.refinesMatch(refined) && Renderer.refinedMatchPlan(Self.mix, plan: refined) == refined)
        let sink = StreamedRenderTests.Collector()
        let streamed = Renderer.render(Self.mix, plan: refined, streamingTo: sink)
        let same = sink.channels == whole.master.channels  // (not printed whole on failure)
        #expect(same, "the same master")
        #expect(streamed.plan.eq == whole.plan.eq && abs(streamed.achievedLUFS - whole.achievedLUFS) < 1e-9)
        // Verified: the streamed master's distances to the reference, from the sections it kept, are the
        // distances measured on the master kept whole.
        let checklist = ChecklistRules.evaluate(a)
        let kept = try Mastering.run(Self.mix, analysis: a, checklist: checklist, plan: plan)
        let verified = try Mastering.run(Self.mix, analysis: a, checklist: checklist, plan: refined, streamingTo: StreamedRenderTests.Collector())
        let (k, v) = (try #require(kept.report.match), try #require(verified.report.match))
        #expect(abs(k.after.tonalDB - v.after.tonalDB) < 1e-9 && abs(k.after.loudnessLU - v.after.loudnessLU) < 1e-9)
        #expect(k.after.tonalDB < 0.5 * k.before.tonalDB, "the match took: \(k.before.tonalDB) → \(k.after.tonalDB)")
    }

    /// The profile measured as the sections stream by, in blocks of any size, is the profile of the
    /// sections cut out and put back to back: every figure the same (a streamed master keeps none of it).
    @Test func theProfileMeasuredInBlocksIsTheProfileOfTheSlice() throws {
        let (whole, a) = try Self.profile(Self.mix, name: "mix")
        #expect(whole.sections.count >= 2 && whole.sideToMidDB != nil)
        for block in [1_000, 4_096 + 7, 65_536 * 3] {
            var meter = ReferenceProfile.Meter(sampleRate: Self.mix.sampleRate, channelCount: 2)
            for section in whole.sections {
                let frames = ReferenceProfile.frames(of: section, sampleRate: Self.mix.sampleRate, frameCount: Self.mix.frameCount)
                for start in stride(from: frames.lowerBound, to: frames.upperBound, by: block) {
                    Self.mix.withChannelPointers(start..<min(frames.upperBound, start + block)) { meter.add($0) }
                }
            }
            let streamed = meter.profile(integratedLUFS: a.loudness.integratedLUFS, name: "mix", ranges: whole.sections)
            #expect(streamed == whole, "blocks of \(block)")
        }
        // Mono: no width; the tone of the same channel on both sides of a stereo pair (whose mid is that
        // channel, sample for sample), shifted by the pair's 3 dB more loudness.
        let left = Self.mix.channels[0]
        let all = [TimeRange(startSeconds: 0, endSeconds: Self.mix.durationSeconds)]
        var mono = ReferenceProfile.Meter(sampleRate: Self.mix.sampleRate, channelCount: 1)
        mono.add(AudioBuffer(sampleRate: Self.mix.sampleRate, channels: [left]))
        let m = mono.profile(integratedLUFS: -20, name: "mono", ranges: all)
        var pair = ReferenceProfile.Meter(sampleRate: Self.mix.sampleRate, channelCount: 2)
        pair.add(AudioBuffer(sampleRate: Self.mix.sampleRate, channels: [left, left]))
        let p = pair.profile(integratedLUFS: -20, name: "pair", ranges: all)
        #expect(m.sideToMidDB == nil && p.sideToMidDB != nil)
        #expect(abs(p.sectionLUFS - m.sectionLUFS - 10 * log10(2.0)) < 0.01)
        for b in ReferenceProfile.tonalBands {
            #expect(abs((m.bandLevelsDB[b] - p.bandLevelsDB[b]) - (p.sectionLUFS - m.sectionLUFS)) < 1e-6, "band \(b)")
        }
        #expect(abs(m.sectionLUFS - (try Analyzer().analyze(AudioBuffer(sampleRate: Self.mix.sampleRate, channels: [left]))).loudness.integratedLUFS) < 1e-9)
    }

    @Test func halfTheAmountGoesAboutHalfWay() throws {
        // With the loudness left at Spotify's −14 (the reference sits near −20), the chain's own limiting
        // moves the tone too; the EQ amount moves the master from there towards the reference, in proportion.
        let tilt = ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [EQBand(kind: .highShelf, frequencyHz: 3000, gainDB: 6)]))
        let reference = Self.processed(Self.mix, tilt)
        let distance = { (eq: Double) in
            try Self.master(Self.mix, reference: reference, amounts: MatchAmounts(eq: eq, width: 0, loudness: 0, dynamics: 0)).1.match!.after.tonalDB
        }
        let (none, half, full) = (try distance(0), try distance(0.5), try distance(1))
        #expect(none > half && half > full, "\(none) → \(half) → \(full)")
        let share = (none - half) / (none - full)
        // The limiter and the shape stage after the EQ bend it a little: "about half" is 30 to 75 %.
        #expect(share > 0.3 && share < 0.75, "half the amount went \(share) of the way")
    }

    @Test func aKnownWidthDifferenceShrinks() throws {
        // Reference = the mix with its side signal 5 dB up above 150 Hz (a wider image, mono-safe lows).
        let wider = WidthStage(settings: WidthSettings(enabled: true, sideBands: [
            EQBand(kind: .highShelf, frequencyHz: 250, gainDB: 5),
        ]))
        let reference = Self.processed(Self.mix, wider)
        let (plan, report, _) = try Self.master(Self.mix, reference: reference, amounts: MatchAmounts(eq: 0, width: 1, loudness: 0, dynamics: 0))
        let m = try #require(report.match)
        let before = try #require(m.before.widthDB), after = try #require(m.after.widthDB)
        #expect(before > 2.5, "\(before)")
        #expect(after < 0.4 * before, "width distance \(before) → \(after)")
        #expect(plan.width?.enabled == true)
        // The lows were not widened.
        #expect(plan.width!.sideBands.allSatisfy { !($0.kind == .lowShelf && $0.gainDB > 0) })
    }

    /// A much wider reference is followed only as far as mono playback allows.
    @Test func wideningStopsBeforeMonoBreaks() throws {
        let wider = WidthStage(settings: WidthSettings(enabled: true, sideBands: [EQBand(kind: .highShelf, frequencyHz: 250, gainDB: 14)]))
        let reference = Self.processed(Self.mix, wider)
        let before = try Analyzer().analyze(Self.mix).stereo!.monoFoldLossLU
        #expect(try Analyzer().analyze(reference).stereo!.monoFoldLossLU > 3, "the reference itself is not mono-safe")
        let (plan, report, _) = try Self.master(Self.mix, reference: reference, amounts: MatchAmounts(eq: 0, width: 1, loudness: 0, dynamics: 0))
        let m = try #require(report.match)
        #expect(m.after.widthDB! < m.before.widthDB!)  // wider, towards the reference
        #expect(plan.decisions.contains { $0.stage == "width" && $0.reason.contains("mono playback") })
        // Measured on the master: the fold-down loss stays within the translation limit.
        let r = Renderer.render(Self.mix, plan: plan)
        let after = try Analyzer().analyze(r.master).stereo!.monoFoldLossLU
        #expect(after <= max(1.5, before) + 0.1, "mono loss \(before) → \(after) LU")
    }

    @Test func loudnessFollowsTheReferenceByItsAmount() throws {
        // The reference is 4 dB louder than the mix (−14 − (−… )): measure where the targets land.
        let (ref, _) = try Self.profile(Self.scaled(Self.mix, db: 10), name: "loud")
        for amount in [0.0, 0.5, 1.0] {
            let a = try Analyzer().analyze(Self.mix)
            var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
            options.reference = ref
            options.matchAmounts = MatchAmounts(eq: 0, width: 0, loudness: amount, dynamics: 0)
            let plan = Planner(options: options).plan(analysis: a, checklist: ChecklistRules.evaluate(a), audio: Self.mix)
            let expected = -14 + amount * (ref.integratedLUFS + 14)
            #expect(abs(plan.target.integratedLUFS - expected) < 0.06, "amount \(amount): \(plan.target.integratedLUFS) vs \(expected)")
            #expect(plan.target.ceilingDBTP == -1)
        }
    }

    @Test func blendingWeighsTheReferences() throws {
        let (a, _) = try Self.profile(Self.mix, name: "a")
        let (b, _) = try Self.profile(Self.scaled(Self.mix, db: -6), name: "b")
        let blend = ReferenceProfile.blend([a, b], weights: [0.75, 0.25])
        #expect(abs(blend.integratedLUFS - (0.75 * a.integratedLUFS + 0.25 * b.integratedLUFS)) < 1e-9)
        #expect(abs(a.integratedLUFS - b.integratedLUFS - 6) < 0.05)
        // Same shape: the loudness-normalized band levels agree, so the blend's do too.
        #expect(MatchDistances(a, b).tonalDB < 0.05)
        #expect(blend.name.contains("75 %") && blend.name.contains("25 %"))
    }

    @Test func aMonoReferenceMatchesToneButNotWidth() throws {
        let left = Self.mix.channels[0]
        let mono = AudioBuffer(sampleRate: Self.mix.sampleRate, channels: [left])
        let (plan, report, _) = try Self.master(Self.mix, reference: mono)
        #expect(report.match?.before.widthDB == nil)
        #expect(plan.width == nil)
        #expect(plan.decisions.contains { $0.stage == "eq" })
        #expect(report.ceilingHeld)
    }

    @Test func wholeTrackSpanComparesTheWholeSong() throws {
        let (ref, _) = try Self.profile(Self.mix, name: "ref")
        let a = try Analyzer().analyze(Self.mix)
        let whole = ReferenceProfile.measure(Self.mix, analysis: a, name: "whole", span: .whole)
        #expect(whole.sections == [TimeRange(startSeconds: 0, endSeconds: a.durationSeconds)])
        #expect(abs(whole.sectionLUFS - a.loudness.integratedLUFS) < 0.05)
        // The loud part of this song is its two choruses, louder than the whole.
        #expect(ref.sections.count < a.sections.count && ref.sectionLUFS > whole.sectionLUFS + 0.5)
        var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.reference = whole
        options.matchSpan = .whole
        let plan = Planner(options: options).plan(analysis: a, checklist: ChecklistRules.evaluate(a), audio: Self.mix)
        #expect(plan.match?.mix.sections == whole.sections)
        #expect(MatchDistances(plan.match!.mix, whole).tonalDB < 0.01)  // the same song, measured the same way
    }

    @Test func amountsParse() throws {
        let m = try MatchAmounts.parse("eq=0.6, width=1,dynamics=0")
        #expect(m == MatchAmounts(eq: 0.6, width: 1, loudness: 1, dynamics: 0))
        #expect(throws: MatchError.self) { try MatchAmounts.parse("eq=1.5") }
        #expect(throws: MatchError.self) { try MatchAmounts.parse("colour=0.5") }
        #expect(throws: MatchError.self) { try MatchAmounts.parse("eq") }
    }

    @Test func theFitFollowsAReachableCurve() {
        // A curve made of two of the layout's own filters is recovered to within a few tenths of a dB.
        let truth = [EQBand(kind: .bell, frequencyHz: 500, gainDB: 4, q: 2.15), EQBand(kind: .highShelf, frequencyHz: 14000, gainDB: -3)]
        let hz = Array(SpectrumMeter.bandCentersHz[3...29])
        let target = hz.map { EQFit.responseDB(truth, atHz: $0, sampleRate: 48_000) }
        let fit = EQFit.fit(layout: EQFit.tonalLayout, targetDB: target, frequenciesHz: hz, sampleRate: 48_000, maxGainDB: 9)
        let errors = hz.map { abs(EQFit.responseDB(fit, atHz: $0, sampleRate: 48_000) - EQFit.responseDB(truth, atHz: $0, sampleRate: 48_000)) }
        let mean = errors.reduce(0, +) / Double(errors.count)
        // The smoothness penalty rounds the single bell's edges a little; the curve is followed.
        #expect(mean < 0.3 && errors.max()! < 1.5, "mean error \(mean) dB, worst \(errors.max()!) dB")
    }

    /// The match EQ stays within what mastering does: a reference 12 dB heavier in the lows and 12 dB
    /// brighter gets at most about 6 dB in the body of the spectrum and about 3 dB at the extremes.
    @Test func theMatchEQIsBoundedLikeMastering() throws {
        let sr = 44_100.0
        func spectrum(_ tilt: (Double) -> Double) -> AudioBuffer {
            Signals.stereo(Signals.multitone(levelDB: { TonalTarget.levelDB(atHz: $0) + tilt($0) }, rmsDBFS: -20, seconds: 8, sampleRate: sr),
                           sampleRate: sr)
        }
        let mix = spectrum { _ in 0 }
        let ref = spectrum { f in f < 120 ? 12 : f > 6_000 ? 12 : 0 }
        let mixAnalysis = try Analyzer().analyze(mix)
        var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.reference = ReferenceProfile.measure(ref, analysis: try Analyzer().analyze(ref), name: "ref")
        options.matchAmounts = MatchAmounts(eq: 1, width: 0, loudness: 0, dynamics: 0)
        let plan = Planner(options: options).plan(analysis: mixAnalysis, checklist: ChecklistRules.evaluate(mixAnalysis), audio: mix)
        func response(_ hz: Double) -> Double { EQFit.responseDB(plan.eq.bands, atHz: hz, sampleRate: sr) }
        let body = stride(from: 70.0, through: 11_000, by: 10).map(response)
        let bodyRelative = (body.max() ?? 0) - (body.min() ?? 0)
        #expect(bodyRelative <= 12.5, "a swing of \(bodyRelative) dB")
        for f in [30.0, 40, 50] { #expect(response(f) - response(1_000) <= 9.5, "\(f) Hz: \(response(f) - response(1_000))") }
        for f in [14_000.0, 16_000] { #expect(response(f) - response(1_000) <= 9.5, "\(f) Hz: \(response(f) - response(1_000))") }
        #expect(plan.eq.bands.allSatisfy { abs($0.gainDB) <= 9 })
    }
}
