import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomMastering
import HeadroomSignals
import Testing

@Suite struct RenderTests {
    static let song: AudioBuffer = {
        var s = SyntheticSong(sections: [
            .init("verse", seconds: 16, levelDB: -6),
            .init("chorus", seconds: 16, levelDB: 0, bright: true),
            .init("bridge", seconds: 12, levelDB: -9, drums: false),
            .init("last chorus", seconds: 16, levelDB: 1, bright: true),
        ])
        s.peakDBFS = -6
        return s.render()
    }()

    static func master(_ audio: AudioBuffer, preset: String, evenOut: Double = 0.4) throws -> (MasteringPlan, RenderResult, Analysis) {
        let a = try Analyzer().analyze(audio)
        var options = Planner.Options(target: LoudnessTarget.presets[preset]!)
        options.evenOut = evenOut
        let plan = Planner(options: options).plan(analysis: a, checklist: ChecklistRules.evaluate(a), audio: audio)
        return (plan, Renderer.render(audio, plan: plan), a)
    }

    @Test(arguments: LoudnessTarget.presetNames)
    func everyPresetIsHitUnderItsCeiling(preset: String) throws {
        let (plan, r, _) = try Self.master(Self.song, preset: preset)
        let after = try Analyzer().analyze(r.master)
        let t = LoudnessTarget.presets[preset]!
        if r.guardLimited {
            // Only the loud preset may need more limiting than the guard allows; then it says so.
            #expect(preset == "loud")
            #expect(after.loudness.integratedLUFS < t.integratedLUFS)
            #expect(abs(r.limitingLU - plan.maxLimitingLU) < 0.2)
        } else {
            #expect(abs(after.loudness.integratedLUFS - t.integratedLUFS) <= 0.1, "\(preset): \(after.loudness.integratedLUFS)")
        }
        #expect(after.levels.truePeakDBTP <= t.ceilingDBTP, "\(preset): \(after.levels.truePeakDBTP) dBTP")
        #expect(Renderer.truePeakDB(r.master, factor: 8) <= t.ceilingDBTP + 0.1)
        #expect(r.master.frameCount == Self.song.frameCount)
    }

    @Test func sectionGainMovesSectionsByThePlannedAmount() throws {
        let a = try Analyzer().analyze(Self.song)
        var options = Planner.Options(target: LoudnessTarget.presets["ebu-r128"]!)
        options.evenOut = 0.5
        var plan = Planner(options: options).plan(analysis: a, checklist: Checklist(items: []), audio: Self.song)
        // Only the section gain, to measure it alone.
        plan.eq.enabled = false; plan.compressor.enabled = false; plan.cleanup.enabled = false; plan.stereoLows.enabled = false
        var red = 0.0
        let pre = Renderer.preLimiter(Self.song, plan: plan, compressorReduction: &red)
        let after = Verifier.sectionLoudness(pre, sections: a.sections)
        for (i, s) in a.sections.enumerated() {
            let planned = plan.sectionGain.segments[i].gainDB
            let expected = min(6, 0.5 * (a.loudestSection.integratedLUFS - s.integratedLUFS))
            #expect(abs(planned - max(0, expected)) < 0.06)
            // Ramps straddle the boundaries, so allow a little.
            #expect(abs((after[i] - s.integratedLUFS) - planned) < 0.25, "section \(i): \(after[i] - s.integratedLUFS) vs \(planned)")
        }
        // No click at the boundaries: the gain changes by at most a small step per sample.
        let stage = SectionGainStage(settings: plan.sectionGain)
        stage.prepare(ProcessSpec(sampleRate: Self.song.sampleRate, maxFrameCount: 4096, channelCount: 2))
        var maxStep: Float = 0
        var previous = stage.gain(atFrame: 0)
        for n in stride(from: 1, to: Self.song.frameCount, by: 1) {
            let g = stage.gain(atFrame: n)
            maxStep = max(maxStep, abs(g - previous))
            previous = g
        }
        #expect(maxStep < 1e-3)
    }

    /// The default: sections levelled into the chain (half their distance), then put back after the limiter,
    /// so the master's sections sit as far under the loudest as the mix's (within 1 LU) at the target.
    @Test func theDefaultKeepsTheSongsShape() throws {
        let (plan, r, a) = try Self.master(Self.song, preset: "spotify", evenOut: Planner.defaultEvenOut)
        #expect(Planner.defaultEvenOut == 0)
        let shape = try #require(plan.shape)
        #expect(plan.sectionGain.enabled && shape.loudestIndex == a.loudestSectionIndex)
        #expect(plan.decisions.contains { $0.stage == "shape" })
        #expect(!r.guardLimited && abs(r.achievedLUFS + 14) <= 0.1, "\(r.achievedLUFS)")
        let after = Verifier.sectionLoudness(r.master, sections: a.sections)
        let loud = a.loudestSectionIndex
        for (i, s) in a.sections.enumerated() where i != loud {
            let mix = a.loudestSection.integratedLUFS - s.integratedLUFS, master = after[loud] - after[i]
            #expect(abs(master - mix) <= 1, "section \(i): \(mix) LU under the loudest in the mix, \(master) in the master")
            #expect(r.plan.shape?.gainsDB?[i] ?? 0 <= 0)
        }
        #expect(after.indices.allSatisfy { after[$0] <= after[loud] + 0.5 })
        // The loudness range stays within 1.5 LU of the mix's.
        let lra = try Analyzer().analyze(r.master).loudness.loudnessRangeLU
        #expect(abs(lra - a.loudness.loudnessRangeLU) <= 1.5, "LRA \(a.loudness.loudnessRangeLU) → \(lra)")
    }

    /// Without the shape stage, even-out 0 means no section gain at all.
    @Test func withoutTheShapeStageEvenOutZeroLeavesSectionsAlone() throws {
        let a = try Analyzer().analyze(Self.song)
        var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.keepShape = false
        let plan = Planner(options: options).plan(analysis: a, checklist: ChecklistRules.evaluate(a), audio: Self.song)
        #expect(!plan.sectionGain.enabled && plan.shape == nil)
        #expect(plan.decisions.contains { $0.stage == "section-gain" && $0.summary == "off" })
    }

    @Test func everyDecisionHasAReasonAndTheChecklistItemsExist() throws {
        let a = try Analyzer().analyze(Self.song)
        let c = ChecklistRules.evaluate(a)
        let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: a, checklist: c, audio: Self.song)
        let ids = Set(c.items.map(\.id))
        for d in plan.decisions {
            #expect(!d.reason.isEmpty && !d.summary.isEmpty)
            #expect(d.itemIDs.allSatisfy { ids.contains($0) })
        }
        #expect(plan.decisions.contains { $0.stage == "limiter" })
        #expect(plan.decisions.contains { $0.stage == "compressor" && $0.reason.contains("loudest section") })
    }

    @Test func noCompressionWhenTheTargetNeedsNoPeakControl() throws {
        // The song peaks at −6 dBFS; at −23 LUFS it is turned down and fits under −1 dBTP with room to spare.
        let (plan, result, before) = try Self.master(Self.song, preset: "ebu-r128")
        #expect(!plan.compressor.enabled)
        #expect(plan.decisions.contains { $0.stage == "compressor" && $0.reason.contains("needs no peak control") })
        let after = try Analyzer().analyze(result.master)
        // Only the section gain changes the dynamics: the peak-to-loudness ratio of the loudest part stays.
        #expect(abs(after.levels.plrDB - before.levels.plrDB) < 2.5)
        #expect(result.limitingLU < 0.05)
    }

    @Test func compressorGivesAboutTheWantedReductionOnTheLoudestSection() throws {
        let a = try Analyzer().analyze(Self.song)
        let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: a, checklist: Checklist(items: []), audio: Self.song)
        let loudest = a.loudestSection
        let range = Int(loudest.startSeconds * Self.song.sampleRate)..<Int(loudest.endSeconds * Self.song.sampleRate)
        let stage = GlueCompressorStage(settings: plan.compressor)
        stage.prepare(ProcessSpec(sampleRate: Self.song.sampleRate, maxFrameCount: 4096, channelCount: 2))
        var section = Self.song.slice(range)
        section.process(with: stage)
        #expect(stage.meanReductionDB > 0.7 && stage.meanReductionDB < 2.5, "\(stage.meanReductionDB) dB")
    }

    @Test func renderingIsDeterministic() throws {
        let (plan, first, _) = try Self.master(Self.song, preset: "spotify")
        let second = Renderer.render(Self.song, plan: plan)
        #expect(first.master == second.master)
    }

    @Test func eqShrinksAFlaggedTonalDeviation() throws {
        // A target-shaped mix with +7 dB of lows: the EQ must bring the lows back towards the target.
        let boomy: (Double) -> Double = { TonalTarget.levelDB(atHz: $0) + ((56...180).contains($0) ? 7 : 0) }
        let l = Signals.multitone(levelDB: boomy, rmsDBFS: -20, seconds: 20, sampleRate: 44_100, seed: 1)
        let r = Signals.multitone(levelDB: boomy, rmsDBFS: -20, seconds: 20, sampleRate: 44_100, seed: 2)
        let mix = AudioBuffer(sampleRate: 44_100, channels: [l, r])
        let (plan, result, before) = try Self.master(mix, preset: "spotify")
        #expect(plan.eq.bands.contains { $0.frequencyHz == 100 && $0.gainDB < -2 })
        let after = try Analyzer().analyze(result.master)
        let lowsBefore = before.tonalBalance.regions.first { $0.name == "lows" }!.deviationDB
        let lowsAfter = after.tonalBalance.regions.first { $0.name == "lows" }!.deviationDB
        // The bell is bounded to −3 dB; over the five bands of the region that moves the average by ~2 dB.
        #expect(lowsAfter < lowsBefore - 1.5, "\(lowsBefore) → \(lowsAfter)")
        #expect(lowsAfter > 0, "the EQ is gentle: it must not overshoot")
    }

    @Test func wideLowsAreMadeMono() throws {
        let n = Int(44_100.0 * 12)
        let mid = Signals.pinkNoise(rmsDBFS: -24, count: n, seed: 5)
        let bass = Signals.sine(frequencyHz: 55, amplitudeDBFS: -12, seconds: 12, sampleRate: 44_100)
        let mix = AudioBuffer(sampleRate: 44_100, channels: [(0..<n).map { mid[$0] + bass[$0] }, (0..<n).map { mid[$0] - bass[$0] }])
        let (plan, result, before) = try Self.master(mix, preset: "spotify")
        #expect(plan.stereoLows.enabled)
        let after = try Analyzer().analyze(result.master)
        #expect(before.stereo!.lowEndSideToMidDB > 0)
        #expect(after.stereo!.lowEndSideToMidDB < -12)
    }
}
