import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomMastering
import HeadroomSignals
import Testing

/// A render streamed block by block into its file is the render kept in memory, sample for sample; a long
/// song rendered from the mix for every pass (no copy of the chain's output) hits the same target.
@Suite struct StreamedRenderTests {
    /// Collects a streamed master (and counts restarts).
    final class Collector: MasterSink {
        var channels: [[Float]] = []
        var restarts = 0
        func restart() { channels = []; restarts += 1 }
        func add(_ block: [UnsafeBufferPointer<Float>]) {
            if channels.isEmpty { channels = block.map { _ in [] } }
            for c in block.indices { channels[c].append(contentsOf: block[c]) }
        }
    }

    static func plan(_ preset: String, _ audio: AudioBuffer = RenderTests.song) throws -> (MasteringPlan, Analysis, Checklist) {
        let a = try Analyzer().analyze(audio)
        let checklist = ChecklistRules.evaluate(a)
        return (Planner(options: .init(target: LoudnessTarget.presets[preset]!)).plan(analysis: a, checklist: checklist, audio: audio), a, checklist)
    }

    @Test(arguments: ["spotify", "loud"])
    func theStreamedMasterIsTheMasterInMemory(preset: String) throws {
        let (plan, analysis, checklist) = try Self.plan(preset)
        let whole = try Mastering.run(RenderTests.song, analysis: analysis, checklist: checklist, plan: plan)
        let sink = Collector()
        let streamed = try Mastering.run(RenderTests.song, analysis: analysis, checklist: checklist, plan: plan, streamingTo: sink)
        #expect(sink.restarts == 1)
        #expect(sink.channels == whole.result.master.channels, "\(preset): the same samples")
        #expect(streamed.result.master.frameCount == 0, "nothing kept")
        #expect(streamed.result.plan == whole.result.plan)
        #expect(streamed.result.truePeak8xDBTP == whole.result.truePeak8xDBTP)
        #expect(abs(streamed.after.loudness.integratedLUFS - whole.after.loudness.integratedLUFS) < 1e-9)
        #expect(abs(streamed.result.limitingLU - whole.result.limitingLU) < 1e-9)
        #expect(abs(streamed.result.achievedLUFS - whole.result.achievedLUFS) < 1e-9, "measured by the sink")
        #expect(streamed.report.targetHit == whole.report.targetHit && streamed.report.ceilingHeld)
        #expect(streamed.checklist.items.map(\.status) == whole.checklist.items.map(\.status))
        if preset == "spotify" { #expect(plan.shape?.enabled == true, "the shape stage streams too") }
        if preset == "loud" { #expect(plan.softClip?.enabled == true, "the soft clipper streams too") }
    }

    /// A limiter set to overshoot (a negative margin) makes the 8x check fail: the corrective pass runs
    /// streamed as it runs in memory, and the sink is started over.
    @Test func theCorrectivePassStreamsTheSameMaster() throws {
        var (plan, _, _) = try Self.plan("spotify")
        plan.limiter.marginDB = -0.5
        let whole = Renderer.render(RenderTests.song, plan: plan)
        #expect(whole.correctivePass)
        let sink = Collector()
        let streamed = Renderer.render(RenderTests.song, plan: plan, streamingTo: sink)
        #expect(streamed.correctivePass && sink.restarts == 2)
        #expect(sink.channels == whole.master.channels)
        #expect(abs(streamed.limitingLU - whole.limitingLU) < 1e-9)
        #expect(abs(streamed.achievedLUFS - whole.achievedLUFS) < 1e-9)
    }

    /// A streamed render plays its last search pass's recorded gain back for the master instead of limiting
    /// again; the recording overwrites the detector's peaks, which a later pass gets detected again. So a
    /// search that needs more than one whole-song pass, and the limiting guard's section trials after a
    /// recorded second pass, must still stream the master kept in memory, sample for sample.
    @Test(arguments: ["two passes", "guard"])
    func aSearchPastItsRecordingStreamsTheSameMaster(variant: String) throws {
        var (plan, _, _) = try Self.plan(variant == "guard" ? "loud" : "spotify")
        plan.softClip = nil  // the detector's peaks are cached (and overwritten) only without the clipper
        plan.shape = nil  // (its first pass misses: the search's second pass records)
        if variant == "guard" { plan.maxLimitingLU = 0.5 }
        let whole = Renderer.render(RenderTests.song, plan: plan)
        let (passes, guardLimited) = (whole.passes, whole.guardLimited)
        #expect(passes >= 2)
        if variant == "guard" { #expect(guardLimited) }
        let sink = Collector()
        let streamed = Renderer.render(RenderTests.song, plan: plan, streamingTo: sink)
        let same = sink.channels == whole.master.channels  // (not printed whole on failure)
        #expect(same, "\(variant): the same samples")
        #expect(streamed.passes == whole.passes && streamed.plan == whole.plan)
        #expect(abs(streamed.achievedLUFS - whole.achievedLUFS) < 1e-9)
    }

    /// Rendered live (the chain's output recomputed from the mix for each pass, no detector cache): the
    /// same master, sample for sample, as the stored render (the limiter without a cache makes the peaks a
    /// cache holds: at 0 dB, times the gain), so a long mix read from its file renders what it would in memory.
    @Test(arguments: ["spotify", "loud"])
    func aLiveRenderIsTheStoredRender(preset: String) throws {
        let (plan, _, _) = try Self.plan(preset)
        let whole = Renderer.render(RenderTests.song, plan: plan)
        let sink = Collector()
        let live = Renderer.render(RenderTests.song, plan: plan, streamingTo: sink, storedLimitBytes: 0)
        #expect(live.preLimiter.frameCount == 0, "no copy of the chain's output")
        #expect(sink.channels == whole.master.channels, "\(preset): the same samples")
        #expect(live.plan == whole.plan)
        #expect(live.achievedLUFS == whole.achievedLUFS && live.limitingLU == whole.limitingLU)
        #expect(live.loudnessRangePreLimiterLU == whole.loudnessRangePreLimiterLU)
        #expect(live.compressorReductionDB == whole.compressorReductionDB)
    }

    /// The limiter without its detector cache gives what it gives with it (at gains where a cache is used).
    @Test(arguments: [-3.0, 4.0, 9.0])
    func theLimiterWithoutItsCacheIsTheLimiterWithIt(gainDB: Double) throws {
        var settings = LimiterSettings()
        settings.inputGainDB = gainDB
        let audio = RenderTests.song
        let latency = TruePeakLimiterStage(settings: settings).latencyAfterPrepare(sampleRate: audio.sampleRate)
        let peaks = TruePeakLimiterStage.detectorPeaks(of: audio, extraPositions: latency)
        let cached = Renderer.limit(audio, settings: settings, cachedPeaks: peaks)
        let detected = Renderer.limit(audio, settings: settings)
        #expect(cached.channels == detected.channels, "\(gainDB) dB")
        #expect(Renderer.truePeakDB(detected, factor: 8) <= settings.ceilingDBTP + 1e-6)
    }
}
