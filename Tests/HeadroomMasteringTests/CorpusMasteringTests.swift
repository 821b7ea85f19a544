import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomIO
import HeadroomMastering
import HeadroomTestSupport
import Testing

/// Every preset on the six real premasters: the loudness target within ±0.1 LU (checked with libebur128
/// too) and the ceiling at 4x and 8x.
@Suite(.enabled(if: Corpus.isAvailable, "needs the corpus (make test builds it)"))
struct CorpusMasteringTests {
    static let names = Corpus.names

    @Test(arguments: names)
    func everyPresetHoldsTargetAndCeiling(name: String) throws {
        let input = try AudioFileReader.read(path: Corpus.premaster(name)).buffer
        let analysis = try Analyzer().analyze(input)
        let checklist = ChecklistRules.evaluate(analysis)
        for preset in LoudnessTarget.presetNames {
            let target = LoudnessTarget.presets[preset]!
            let plan = Planner(options: .init(target: target)).plan(analysis: analysis, checklist: checklist, audio: input)
            let r = Renderer.render(input, plan: plan)
            let reference = Reference.measure(r.master)
            if r.guardLimited {
                #expect(preset == "loud", "\(name) \(preset): the guard stopped a streaming target")
            } else {
                #expect(abs(reference.integrated - target.integratedLUFS) <= 0.1, "\(name) \(preset): libebur128 reads \(reference.integrated)")
                #expect(abs(r.achievedLUFS - target.integratedLUFS) <= 0.1)
            }
            #expect(Renderer.truePeakDB(r.master, factor: 4) <= target.ceilingDBTP, "\(name) \(preset)")
            #expect(Renderer.truePeakDB(r.master, factor: 8) <= target.ceilingDBTP + 0.1, "\(name) \(preset)")
            #expect(reference.truePeak <= target.ceilingDBTP + 0.05, "\(name) \(preset): libebur128 true peak \(reference.truePeak)")
        }
    }

    /// Each premaster matched to another track's released master: the tonal distance shrinks (never into a
    /// worse match) to at most 3 dB on the loud part, the loudness lands on the reference's, the ceiling holds.
    @Test(arguments: names.indices)
    func matchingAReferenceGetsCloserAndKeepsTheCeiling(index: Int) throws {
        let name = Self.names[index], refName = Self.names[(index + 1) % Self.names.count]
        let input = try AudioFileReader.read(path: Corpus.premaster(name)).buffer
        let refAudio = try AudioFileReader.read(path: Corpus.original(refName)).buffer
        let refProfile = ReferenceProfile.measure(refAudio, analysis: try Analyzer().analyze(refAudio), name: refName)
        let analysis = try Analyzer().analyze(input)
        let checklist = ChecklistRules.evaluate(analysis)
        var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.reference = refProfile
        let plan = Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: input)
        let outcome = try Mastering.run(input, analysis: analysis, checklist: checklist, plan: plan)
        let r = outcome.result
        #expect(r.plan.match?.refined == true)
        let m = try #require(outcome.report.match)
        #expect(m.after.tonalDB < m.before.tonalDB, "\(name) → \(refName): \(m.before.tonalDB) → \(m.after.tonalDB)")
        // Bounded like mastering (±6 dB, ±3 dB at the extremes), the match leaves up to 2.6 dB on this corpus.
        #expect(m.after.tonalDB <= 3, "\(name) → \(refName): \(m.after.tonalDB) dB")
        if !r.guardLimited { #expect(m.after.loudnessLU <= 0.3, "\(name): \(m.after.loudnessLU) LU from the reference") }
        #expect(Renderer.truePeakDB(r.master, factor: 8) <= -1 + 1e-6)
        #expect(Reference.measure(r.master).truePeak <= -1 + 0.05)
    }
}
