import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP

/// Render → analyze the master → verify: a mastering session in memory, for the command line (which adds
/// the files), the benchmark and the tests.
public enum Mastering {
    /// What a session produced.
    public struct Outcome: Sendable {
        public var result: RenderResult
        /// The master's analysis (its true peak is the renderer's 8x measurement).
        public var after: Analysis
        /// The checklist with every item's status.
        public var checklist: Checklist
        public var report: MasterReport
    }

    /// Renders `plan` on `input` and verifies the master against the mix's `analysis` and `checklist`.
    public static func run(_ input: AudioBuffer, analysis: Analysis, checklist: Checklist, plan: MasteringPlan,
                           progress: ((Double) -> Void)? = nil) throws -> Outcome {
        let result = Renderer.render(input, plan: plan, progress: progress)
        let (after, loudness) = try Analyzer().measure(result.master, truePeaks: result.truePeaks8x)
        let (verified, report) = Verifier.verify(before: analysis, after: after, master: result.master, checklist: checklist,
                                                 plan: result.plan, render: result, masterLoudness: loudness)
        return Outcome(result: result, after: after, checklist: verified, report: report)
    }

    /// The same with the master streamed into `sink` as it is rendered (a file being written) and measured on
    /// the way, never kept whole: the outcome's `result.master` is empty (a reference match measures its
    /// sections as they go by). A reference match renders as planned: refine it first (`Renderer.refinedMatchPlan`).
    /// Given the only reference to `input` (`consume`), the render works in its memory.
    /// `onRenderThread` sees the master too, on the render's own thread (light work that evens out the two).
    public static func run(_ input: consuming AudioBuffer, analysis: Analysis, checklist: Checklist, plan: MasteringPlan,
                           streamingTo sink: MasterSink, onRenderThread beside: MasterSink? = nil,
                           storedLimitBytes: Int = Renderer.storedPreLimiterBytes,
                           progress: ((Double) -> Void)? = nil) throws -> Outcome {
        let sinks = StreamedSinks(sampleRate: plan.output.sampleRateHz ?? input.sampleRate, channelCount: input.channelCount,
                                  sink: sink, beside: beside, match: plan.match)
        // The render leaves the master's loudness to the measuring sink, which measures it anyway.
        let result = Renderer.render(consume input, plan: plan, streamingTo: sinks.first, storedLimitBytes: storedLimitBytes,
                                     measuresLoudness: false, progress: progress)
        return try sinks.verify(result, analysis: analysis, checklist: checklist)
    }

    /// The same from a mix read as the render's passes need it (a long input read from its file, never
    /// held in memory).
    public static func run(source: any AudioSource, analysis: Analysis, checklist: Checklist, plan: MasteringPlan,
                           streamingTo sink: MasterSink, onRenderThread beside: MasterSink? = nil,
                           progress: ((Double) -> Void)? = nil) throws -> Outcome {
        let sinks = StreamedSinks(sampleRate: plan.output.sampleRateHz ?? source.sampleRate, channelCount: source.channelCount,
                                  sink: sink, beside: beside, match: plan.match)
        let result = Renderer.render(source: source, plan: plan, streamingTo: sinks.first, measuresLoudness: false, progress: progress)
        return try sinks.verify(result, analysis: analysis, checklist: checklist)
    }

    /// Where a streamed render's master goes: measured and written on a thread of their own, beside the
    /// render's last pass; `beside` sees it on the render's thread first.
    struct StreamedSinks {
        let measuring: MeasuringSink, threaded: ThreadedSink, first: MasterSink
        /// The sections a reference match measures on the master, measured as they stream by.
        let matchSections: SectionsSink?

        init(sampleRate: Double, channelCount: Int, sink: MasterSink, beside: MasterSink?, match: MatchSettings?) {
            let sections = match.map { SectionsSink(sections: $0.mix.sections, sampleRate: sampleRate, channelCount: channelCount) }
            matchSections = sections
            let measuring = MeasuringSink(sampleRate: sampleRate, channelCount: channelCount, next: sections.map { TeeSink($0, sink) } ?? sink)
            let threaded = ThreadedSink(next: measuring, channelCount: channelCount)
            (self.measuring, self.threaded) = (measuring, threaded)
            first = beside.map { TeeSink($0, threaded) } ?? threaded
        }

        /// Once the render is done: the master's analysis (its loudness the measuring sink's) and the verdict.
        func verify(_ rendered: RenderResult, analysis: Analysis, checklist: Checklist) throws -> Outcome {
            threaded.finish()
            var result = rendered
            let (after, loudness) = try measuring.finish(truePeaks: result.truePeaks8x)
            result.achievedLUFS = after.loudness.integratedLUFS
            let profile = result.plan.match.flatMap { match in
                matchSections?.profile(integratedLUFS: after.loudness.integratedLUFS, name: "master", ranges: match.mix.sections)
            }
            let (verified, report) = Verifier.verify(before: analysis, after: after, master: result.master, checklist: checklist,
                                                     plan: result.plan, render: result, masterLoudness: loudness,
                                                     masterMatchProfile: profile)
            return Outcome(result: result, after: after, checklist: verified, report: report)
        }
    }
}

/// Measures streamed audio as `Analyzer` measures a whole buffer (a master as it is rendered, a mix as it is
/// read), and hands every block on to `next`, if any.
public final class MeasuringSink: MasterSink {
    let sampleRate: Double, channelCount: Int, measuresTruePeak: Bool
    let next: MasterSink?
    public private(set) var analysis: Analyzer.Stream

    public init(sampleRate: Double, channelCount: Int, measuresTruePeak: Bool = false, next: MasterSink? = nil) {
        self.sampleRate = sampleRate; self.channelCount = channelCount; self.measuresTruePeak = measuresTruePeak; self.next = next
        analysis = Analyzer.Stream(sampleRate: sampleRate, channelCount: channelCount, measuresTruePeak: measuresTruePeak)
    }

    public func restart() {
        analysis = Analyzer.Stream(sampleRate: sampleRate, channelCount: channelCount, measuresTruePeak: measuresTruePeak)
        next?.restart()
    }

    public func add(_ block: [UnsafeBufferPointer<Float>]) {
        analysis.add(block)
        next?.add(block)
    }

    /// The analysis of everything added since the last restart.
    public func finish(truePeaks: [TruePeakMeter.Result]? = nil) throws -> (analysis: Analysis, loudness: LoudnessMeter) {
        try analysis.finish(truePeaks: truePeaks)
    }
}

/// Two sinks fed the same blocks, one after the other.
public final class TeeSink: MasterSink {
    let a: MasterSink, b: MasterSink
    public init(_ a: MasterSink, _ b: MasterSink) { self.a = a; self.b = b }
    public func restart() { a.restart(); b.restart() }
    public func add(_ block: [UnsafeBufferPointer<Float>]) { a.add(block); b.add(block) }
}
