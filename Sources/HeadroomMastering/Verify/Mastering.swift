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
    /// the way, never kept whole: the outcome's `result.master` is empty. Not for reference matching.
    public static func run(_ input: AudioBuffer, analysis: Analysis, checklist: Checklist, plan: MasteringPlan,
                           streamingTo sink: MasterSink, storedLimitBytes: Int = Renderer.storedPreLimiterBytes,
                           progress: ((Double) -> Void)? = nil) throws -> Outcome {
        let measuring = MeasuringSink(sampleRate: plan.output.sampleRateHz ?? input.sampleRate, channelCount: input.channelCount, next: sink)
        let result = Renderer.render(input, plan: plan, streamingTo: measuring, storedLimitBytes: storedLimitBytes, progress: progress)
        let (after, loudness) = try measuring.analysis.finish(truePeaks: result.truePeaks8x)
        let (verified, report) = Verifier.verify(before: analysis, after: after, master: result.master, checklist: checklist,
                                                 plan: result.plan, render: result, masterLoudness: loudness)
        return Outcome(result: result, after: after, checklist: verified, report: report)
    }
}

/// Measures a streamed master as `Analyzer` measures a whole one, and hands every block on.
final class MeasuringSink: MasterSink {
    let sampleRate: Double, channelCount: Int
    let next: MasterSink
    var analysis: Analyzer.Stream

    init(sampleRate: Double, channelCount: Int, next: MasterSink) {
        self.sampleRate = sampleRate; self.channelCount = channelCount; self.next = next
        analysis = Analyzer.Stream(sampleRate: sampleRate, channelCount: channelCount, measuresTruePeak: false)
    }

    func restart() {
        analysis = Analyzer.Stream(sampleRate: sampleRate, channelCount: channelCount, measuresTruePeak: false)
        next.restart()
    }

    func add(_ block: [UnsafeBufferPointer<Float>]) {
        analysis.add(block)
        next.add(block)
    }
}
