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
            // Every preset is hit, the loud one too (its soft clipper takes the fastest peaks first).
            #expect(!r.guardLimited, "\(name) \(preset): the guard stopped at \(r.achievedLUFS) LUFS")
            #expect(abs(reference.integrated - target.integratedLUFS) <= 0.1, "\(name) \(preset): libebur128 reads \(reference.integrated)")
            #expect(abs(r.achievedLUFS - target.integratedLUFS) <= 0.1)
            if target.integratedLUFS <= -14 {
                // Streaming targets keep the song's shape: the mix's loudness range within 1.5 LU (libebur128
                // on both), and the loudest section still the loudest.
                let mixRange = Reference.measure(input).range
                #expect(abs(reference.range - mixRange) <= 1.5, "\(name) \(preset): LRA \(mixRange) → \(reference.range)")
                let after = Verifier.sectionLoudness(r.master, sections: analysis.sections)
                let loud = analysis.loudestSectionIndex
                #expect(after.allSatisfy { $0 <= after[loud] + 0.5 }, "\(name) \(preset): \(after)")
                if preset == "spotify" {
                    let order = after.indices.sorted { after[$0] > after[$1] }.map { $0 + 1 }
                    print("shape \(name): LRA \(String(format: "%.1f", mixRange)) → \(String(format: "%.1f", reference.range)) LU; loudest section \(loud + 1); master's order \(order)")
                }
            }
            if preset == "loud" {
                let limiterOnly = r.limitingLU - (r.softClipLossLU ?? 0)
                print("loud \(name): \(String(format: "%.2f", reference.integrated)) LUFS, clipper \(String(format: "%.2f", r.softClipLossLU ?? 0)) LU + limiter \(String(format: "%.2f", limiterOnly)) LU on the loudest section")
            }
            #expect(Renderer.truePeakDB(r.master, factor: 4) <= target.ceilingDBTP, "\(name) \(preset)")
            #expect(Renderer.truePeakDB(r.master, factor: 8) <= target.ceilingDBTP + 0.1, "\(name) \(preset)")
            #expect(reference.truePeak <= target.ceilingDBTP + 0.05, "\(name) \(preset): libebur128 true peak \(reference.truePeak)")
        }
    }

    /// The released masters as references, measured once.
    static let referenceProfiles: [ReferenceProfile] = names.map { refName in
        // The suite runs only with the corpus present (and this is read only from its tests).
        let audio = try! AudioFileReader.read(path: Corpus.original(refName)).buffer
        return ReferenceProfile.measure(audio, analysis: try! Analyzer().analyze(audio), name: refName)
    }

    /// Every ordered pair (30): each premaster matched to each other track's released master. The tonal
    /// distance shrinks to at most 3 dB on the loud part, the song's shape holds (the loudest section stays
    /// the loudest within 0.5 LU), the target's loudness is hit and the ceiling holds.
    @Test(arguments: names.indices)
    func matchingAReferenceGetsCloserAndKeepsTheShapeAndCeiling(index: Int) throws {
        let name = Self.names[index]
        let input = try AudioFileReader.read(path: Corpus.premaster(name)).buffer
        let analysis = try Analyzer().analyze(input)
        let checklist = ChecklistRules.evaluate(analysis)
        let loud = analysis.loudestSectionIndex
        for (j, refProfile) in Self.referenceProfiles.enumerated() where j != index {
            let refName = Self.names[j]
            var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
            options.reference = refProfile
            let plan = Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: input)
            let outcome = try Mastering.run(input, analysis: analysis, checklist: checklist, plan: plan)
            let r = outcome.result
            #expect(r.plan.match?.refined == true)
            let m = try #require(outcome.report.match)
            #expect(m.after.tonalDB < m.before.tonalDB, "\(name) → \(refName): \(m.before.tonalDB) → \(m.after.tonalDB)")
            // Bounded like mastering (±6 dB, ±3 dB at the extremes), the match leaves up to 2.6 dB here.
            #expect(m.after.tonalDB <= 3, "\(name) → \(refName): \(m.after.tonalDB) dB")
            // The target is the preset's (the reference moves the tone, not the loudness, unless asked).
            #expect(!r.guardLimited && abs(r.achievedLUFS + 14) <= 0.1, "\(name) → \(refName): \(r.achievedLUFS) LUFS")
            let after = outcome.report.after.sectionLUFS
            #expect(after.allSatisfy { $0 <= after[loud] + 0.5 }, "\(name) → \(refName): sections \(after), loudest was \(loud + 1)")
            #expect(outcome.checklist.item(key: "master.shape")?.status == .kept, "\(name) → \(refName): \(outcome.checklist.item(key: "master.shape")?.title ?? "")")
            #expect(Renderer.truePeakDB(r.master, factor: 8) <= -1 + 1e-6)
            #expect(Reference.measure(r.master).truePeak <= -1 + 0.05)
        }
    }
}
