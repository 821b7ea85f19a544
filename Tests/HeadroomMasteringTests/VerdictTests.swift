import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomMastering
import HeadroomSignals
import HeadroomTranslation
import Testing

/// Verdicts name the real cause, and the master's checklist never contradicts its translation report.
@Suite struct VerdictTests {
    static let song: AudioBuffer = {
        var s = SyntheticSong(sections: [
            .init("verse", seconds: 8, levelDB: -3, pad: true),
            .init("chorus", seconds: 10, levelDB: 0, pad: true, bright: true),
        ])
        s.peakDBFS = -4
        return s.render()
    }()

    static func master(width: WidthSettings?) throws -> (Checklist, TranslationReport) {
        let analysis = try Analyzer().analyze(song)
        let checklist = ChecklistRules.evaluate(analysis)
        try #require(checklist.items.contains { $0.key == "stereo.mono-safe" }, "the mix must start mono-safe")
        var plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: analysis, checklist: checklist, audio: song)
        if let width { plan.width = width }
        let outcome = try Mastering.run(song, analysis: analysis, checklist: checklist, plan: plan)
        return (outcome.checklist, Translation.evaluate(outcome.after))
    }

    /// A mono-safe mix stays "kept" with the master's own figure; widened in the session until folding to
    /// mono costs too much, the item is open, names the figure, and the translation's mono line agrees.
    @Test func monoSafetyVerdictAgreesWithTheTranslation() throws {
        let (kept, keptTranslation) = try Self.master(width: nil)
        let item = try #require(kept.items.first { $0.key == "stereo.mono-safe" })
        #expect(item.status == .kept)
        #expect(item.title.contains("→ master"), "\(item.title)")
        #expect(keptTranslation.items.first { $0.key == "translation.mono" }?.kind == .strength)

        let wide = WidthSettings(enabled: true, sideBands: [EQBand(kind: .highShelf, frequencyHz: 200, gainDB: 12)])
        let (lost, translation) = try Self.master(width: wide)
        let open = try #require(lost.items.first { $0.key == "stereo.mono-safe" })
        #expect(open.status == .stillOpen)
        #expect(open.action.hasPrefix("Lost in mastering: folding to mono now costs"), "\(open.action)")
        let mono = try #require(translation.items.first { $0.key == "translation.mono" })
        #expect(mono.kind == .problem, "\(mono.title) next to \(open.action)")
    }

    /// A band still too loud after the bounded EQ asks for a deeper cut, a band still too quiet for more
    /// boost; never the other way round.
    @Test(arguments: [(9.0, "deepen the band's cut"), (-9.0, "raise the band's boost")])
    func toneAdviceFollowsTheDirection(airDB: Double, advice: String) throws {
        let x = Signals.multitone(levelDB: { TonalTarget.levelDB(atHz: $0) + ($0 > 5_500 ? airDB : 0) }, rmsDBFS: -20,
                                  seconds: 8, sampleRate: 44_100)
        let mix = Signals.stereo(x, sampleRate: 44_100)
        let analysis = try Analyzer().analyze(mix)
        let checklist = ChecklistRules.evaluate(analysis)
        let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: analysis, checklist: checklist, audio: mix)
        let outcome = try Mastering.run(mix, analysis: analysis, checklist: checklist, plan: plan)
        let item = try #require(outcome.checklist.items.first { $0.key == (airDB > 0 ? "tone.sizzly" : "tone.dull") })
        #expect(item.status == .stillOpen)
        #expect(item.action.contains(advice), "\(item.action)")
        #expect(item.action.hasPrefix("Improved but still"), "\(item.action)")
    }

    /// The song's shape: kept when section gain does what even-out asks; an edit that lifts the quiet verse
    /// over the chorus is called out, and the level jump it turned round is not "fixed".
    @Test func shapeIsJudgedOnTheMaster() throws {
        var song = SyntheticSong(sections: [.init("verse", seconds: 12, levelDB: -11), .init("chorus", seconds: 12, levelDB: 0)])
        song.peakDBFS = -4
        let mix = song.render()
        let analysis = try Analyzer().analyze(mix)
        let checklist = ChecklistRules.evaluate(analysis)
        try #require(checklist.items.contains { $0.key == "sections.jump" }, "the mix must have a level jump")
        // EBU R128: no limiting needed, so nothing but section gain moves the sections.
        var options = Planner.Options(target: LoudnessTarget.presets["ebu-r128"]!)
        options.evenOut = 0
        var plan = Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: mix)
        plan.compressor.enabled = false
        let kept = try Mastering.run(mix, analysis: analysis, checklist: checklist, plan: plan)
        let shape = try #require(kept.checklist.items.first { $0.key == "master.shape" })
        #expect(shape.status == .kept, "\(shape.title)")

        // The verse lifted 10 dB with the shape stage on: it is put back (the stage lowers at most 12 dB),
        // and the shape is kept.
        plan.sectionGain.enabled = true
        plan.sectionGain.segments[0].gainDB = 10
        let restored = try Mastering.run(mix, analysis: analysis, checklist: checklist, plan: plan)
        let back = try #require(restored.checklist.items.first { $0.key == "master.shape" })
        #expect(back.status == .kept, "\(back.title)")
        #expect((restored.result.plan.shape?.gainsDB?[0] ?? 0) < -9, "\(String(describing: restored.result.plan.shape?.gainsDB))")

        // The same lift without the shape stage: now louder than the chorus.
        plan.shape = nil
        plan.sectionGain.enabled = true
        plan.sectionGain.segments[0].gainDB = 16
        let lifted = try Mastering.run(mix, analysis: analysis, checklist: checklist, plan: plan)
        let changed = try #require(lifted.checklist.items.first { $0.key == "master.shape" })
        #expect(changed.status == .stillOpen && changed.title.contains("louder than the loudest section"), "\(changed.title)")
        let jump = try #require(lifted.checklist.items.first { $0.key == "sections.jump" })
        #expect(jump.status == .stillOpen && jump.action.hasPrefix("Inverted"), "\(jump.title) → \(jump.action)")
    }
}
