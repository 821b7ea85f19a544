import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomIO
import HeadroomMastering
import HeadroomTestSupport
import Testing

/// Every preset on the six real premasters: the loudness target within ±0.1 LU (checked with libebur128
/// too) and the ceiling at 4x and 8x.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HEADROOM_CORPUS"] != nil, "needs HEADROOM_CORPUS (make test)"))
struct CorpusMasteringTests {
    static let names = ["calmrace-ks", "credits1-cp", "freezingpoint", "spunkyrace-ks", "start1-jt", "race1-jt"]

    @Test(arguments: names)
    func everyPresetHoldsTargetAndCeiling(name: String) throws {
        let root = ProcessInfo.processInfo.environment["HEADROOM_CORPUS"]!
        let input = try AudioFileReader.read(path: "\(root)/premaster/\(name).wav").buffer
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
}
