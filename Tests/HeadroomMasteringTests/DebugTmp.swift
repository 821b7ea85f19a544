import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSignals
import Testing
@Test func debugTmp() throws {
    let input = try AudioFileReader.read(path: "/tmp/headroom-dev-corpus/premaster/spunkyrace-ks.wav").buffer
    let a = try Analyzer().analyze(input)
    let plan = Planner(options: .init(target: LoudnessTarget.presets["ebu-r128"]!)).plan(analysis: a, checklist: ChecklistRules.evaluate(a), audio: input)
    let clock = ContinuousClock()
    var red = 0.0
    var t = clock.now
    let pre = Renderer.preLimiter(input, plan: plan, compressorReduction: &red); print("P pre", clock.now - t); t = clock.now
    var s = plan.limiter; s.inputGainDB = -9
    let m = Renderer.limit(pre, settings: s); print("P limit", clock.now - t); t = clock.now
    var meter = LoudnessMeter(sampleRate: m.sampleRate, channelCount: 2)
    m.withChannelPointers(0..<m.frameCount) { meter.add($0) }
    _ = meter.integratedLUFS(); print("P loud", clock.now - t); t = clock.now
    _ = Renderer.truePeakDB(m); print("P tp", clock.now - t); t = clock.now
    _ = try Analyzer().analyze(input); print("P analyze", clock.now - t); t = clock.now
    print("P plan", plan.compressor.enabled, plan.eq.bands.count, plan.sectionGain.enabled)
}
