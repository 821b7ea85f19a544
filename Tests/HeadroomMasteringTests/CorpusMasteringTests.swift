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

    /// At the loud preset the soft clipper takes the fastest hits first: the lookahead limiter's own share
    /// of the loudest section's loss is smaller than the limiter alone takes at the same loudness.
    @Test(arguments: names)
    func theClipperLeavesTheLimiterLessToTake(name: String) throws {
        let input = try AudioFileReader.read(path: Corpus.premaster(name)).buffer
        let analysis = try Analyzer().analyze(input)
        let checklist = ChecklistRules.evaluate(analysis)
        var options = Planner.Options(target: LoudnessTarget.presets["loud"]!)
        let clipped = Renderer.render(input, plan: Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: input))
        options.softClip = false
        let alone = Renderer.render(input, plan: Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: input))
        let limiterShare = clipped.limitingLU - (clipped.softClipLossLU ?? 0)
        #expect(clipped.plan.softClip?.enabled == true && alone.plan.softClip == nil)
        #expect(abs(clipped.achievedLUFS + 9) <= 0.1 && Renderer.truePeakDB(clipped.master, factor: 8) <= -0.3 + 0.1)
        #expect(limiterShare <= alone.limitingLU + 0.01 && (alone.limitingLU < 1 || limiterShare < alone.limitingLU - 0.5), "\(name): limiter \(limiterShare) LU with the clipper, \(alone.limitingLU) alone")
        print("clipper \(name): limiter alone \(String(format: "%.2f", alone.limitingLU)) LU at \(String(format: "%.2f", alone.achievedLUFS)) LUFS; with the clipper, clipper \(String(format: "%.2f", clipped.softClipLossLU ?? 0)) + limiter \(String(format: "%.2f", limiterShare)) LU")
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
            // Bounded like mastering (±6 dB, ±3 dB at the extremes), the match leaves up to 3.5 dB here.
            #expect(m.after.tonalDB <= 3.5, "\(name) → \(refName): \(m.after.tonalDB) dB")
            // The loudness is the reference's (no explicit target), hit within 0.1 LU.
            #expect(!r.guardLimited && abs(r.achievedLUFS - r.plan.target.integratedLUFS) <= 0.1, "\(name) → \(refName): \(r.achievedLUFS) LUFS for \(r.plan.target.integratedLUFS)")
            // No inversion: the loudest section stays the loudest. Where a section ends up further from it
            // than the mix had it (the match EQ took more from it; the shape stage only lowers), the master's
            // shape item says so and names the cause: never a silent "kept".
            let after = outcome.report.after.sectionLUFS
            #expect(after.allSatisfy { $0 <= after[loud] + 0.5 }, "\(name) → \(refName): sections \(after), loudest was \(loud + 1)")
            let shape = try #require(outcome.checklist.item(key: "master.shape"))
            let share = r.plan.shape?.shareRestored ?? 1
            if shape.status != .kept {
                #expect(shape.status == .stillOpen && (shape.action.contains("only lowers") || shape.action.contains("% of the song's shape")), "\(shape.action)")
            }
            print("match \(name) → \(refName): shape \(shape.status) — \(shape.title)")
            print("match \(name) → \(refName): target \(String(format: "%.1f", r.plan.target.integratedLUFS)) LUFS, tone \(String(format: "%.2f", m.before.tonalDB)) → \(String(format: "%.2f", m.after.tonalDB)) dB, shape \(Int((share * 100).rounded())) %")
            #expect(Renderer.truePeakDB(r.master, factor: 8) <= -1 + 1e-6)
            #expect(Reference.measure(r.master).truePeak <= -1 + 0.05)
        }
    }
}
