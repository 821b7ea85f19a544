import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomTranslation

/// Where a job is, for a progress bar: `master` and `album` print it, the studio pushes it to the page.
public struct JobProgress: Sendable, Equatable {
    public enum Step: String, Sendable {
        case analyzing, rendering, checkingCodecs = "checking codecs", writing
        /// A lossy file decoded over the ceiling: rendered again with the ceiling lowered.
        case renderingAgain = "rendering again at a lower ceiling"
    }
    public var step: Step
    /// 0...1 within the step, when known.
    public var fraction: Double?
    public init(_ step: Step, _ fraction: Double? = nil) { self.step = step; self.fraction = fraction }
}

/// One deliverable from a planned mix: render, measure again and verify (`Mastering.run`), check the codecs,
/// then write the master (and the pre-limiter print) and its session as one transaction: either all of
/// them are in place afterwards, or none was touched. Used by `master`, `album` and the studio.
public struct MasterJob {
    public var mix: Mix
    public var analysis: Analysis
    public var checklist: Checklist
    public var plan: MasteringPlan
    public var deliverable: Deliverable
    public var codecs: [LossyRoundTrip.Codec] = []
    public var existing: AudioFileWriter.ExistingFile = .keep
    /// Files never to be written (the mix, references).
    public var protecting: [String] = []
    /// Tags to set or override on top of the mix's own.
    public var tagOverrides = AudioTags()
    /// Create the output folder when it is missing.
    public var createFolders = true
    /// Keep the master and the pre-limiter signal in the outcome (the studio plots them; an album track that
    /// cannot stream is measured on them). Otherwise the master is streamed to its file as it is rendered and
    /// measured on the way, never held whole in memory: a lossless one always, a lossy one when another
    /// attempt can read the mix again (`Mix.file`, or `Mix.canReadAgain`); with a pre-limiter print, when the
    /// render keeps the chain's output (`printsPreLimiterFromTheRender`).
    public var keepsAudio = false
    /// Sees a streamed master as it is written (on the writing thread; restarted with it): what a caller
    /// measures of the master without keeping it, e.g. an album's loud-part profile (`SectionsSink`).
    public var measuring: MasterSink?
    /// Checked between the job's steps; when set, the job stops with `JobError(.cancelled)`.
    public var cancellation: Cancellation?
    public var toolVersion: String

    public init(mix: Mix, analysis: Analysis, checklist: Checklist, plan: MasteringPlan, deliverable: Deliverable,
                toolVersion: String) {
        self.mix = mix; self.analysis = analysis; self.checklist = checklist; self.plan = plan
        self.deliverable = deliverable; self.toolVersion = toolVersion
        self.protecting = mix.path.map { [$0] } ?? []
    }

    /// What a finished job made.
    public struct Outcome: Sendable {
        public var mastering: Mastering.Outcome
        public var session: Session
        public var translation: TranslationReport
        /// True when every target check passed: the loudness target was hit and the ceiling held.
        public var allChecksPassed: Bool { mastering.report.targetHit && mastering.report.ceilingHeld }
    }

    /// Checks every output path before any work (nothing is written when one would be refused).
    public func checkOutputs() throws {
        let transaction = OutputTransaction(existing: existing, protecting: protecting, createFolders: createFolders)
        do { try transaction.checkAll(deliverable.paths) } catch let e as AudioFileError { throw JobError(.failure, e.description) }
    }

    /// A lossy deliverable whose decoded peaks go over the ceiling is rendered again with the limiter's
    /// ceiling lowered by the excess (and this margin); at most this many times.
    public static let lossyRetries = 3
    static let lossyMarginDB = 0.05

    /// Several jobs of one mix held whole (several targets): only the first keeps the audio and the others
    /// read the mix file again when their turn comes (`takeTurn`), so every render works in the audio's own
    /// memory and the song is never in memory twice. Returns what the others check their read against;
    /// nil (every job keeps the audio) when the file cannot give it back exactly.
    public static func shareOneMix(_ jobs: inout [MasterJob]) -> Mix.Receipt? {
        guard jobs.count > 1, let receipt = jobs[0].mix.receipt() else { return nil }
        for k in 1..<jobs.count { _ = jobs[k].mix.takeAudio() }
        return receipt
    }

    /// Before running a job of `shareOneMix`: reads the mix again when an earlier job had it.
    public mutating func takeTurn(_ receipt: Mix.Receipt?) throws {
        if let receipt, mix.file == nil, mix.audio.frameCount == 0 { try mix.readAgain(receipt) }
    }

    /// Whether this job streams its master (see `keepsAudio`).
    public var streams: Bool {
        !keepsAudio && (deliverable.preLimiterPath == nil || printsPreLimiterFromTheRender)
            && (!deliverable.format.isLossy || mix.file != nil || mix.canReadAgain)
    }

    /// A pre-limiter print streams with the master when the render keeps its chain's output whole (a mix
    /// held in memory, up to about 12 minutes at its own rate): the print is that output, written once the
    /// master is.
    var printsPreLimiterFromTheRender: Bool {
        mix.file == nil && Renderer.keepsChainOutput(frameCount: mix.info.frameCount, channelCount: mix.info.channelCount, plan: plan)
    }

    /// Runs the job. A streamed job given the only reference to its mix's audio (the command line hands
    /// its last job over) renders in that memory: the song is in memory once.
    public consuming func run(progress: @escaping (JobProgress) -> Void = { _ in }) throws -> Outcome {
        try checkOutputs()
        guard mix.file == nil || streams else {
            throw JobError(.usage, "\(mix.info.path): a mix read from its file is mastered without a pre-limiter print or a reference")
        }
        if streams { return try (consume self).runStreaming(progress: progress) }
        var plan = self.plan
        for attempt in 0... {
            try cancellation?.check()
            let step: JobProgress.Step = attempt == 0 ? .rendering : .renderingAgain
            progress(JobProgress(step, 0))
            var outcome = try Mastering.run(mix.audio, analysis: analysis, checklist: checklist, plan: plan,
                                            progress: { progress(JobProgress(step, $0)) })
            try cancellation?.check()
            progress(JobProgress(.writing))
            let transaction = OutputTransaction(existing: existing, protecting: protecting, createFolders: createFolders)
            do {
                let seed = plan.output.dither ? Self.ditherSeed(mix.audio) : nil
                let tags = mix.tags.merging(tagOverrides)
                try transaction.addAudio(outcome.result.master, to: deliverable.path, format: deliverable.format, ditherSeed: seed, tags: tags)
                if deliverable.format.isLossy {
                    // The verdict of a lossy file is the file's: decode what will be delivered and measure it.
                    let delivered = try Self.decodedTruePeakDB(transaction.stagedPath(for: deliverable.path)!)
                    if delivered > plan.target.ceilingDBTP + 1e-6 && attempt < Self.lossyRetries {
                        transaction.rollback()
                        Self.lowerCeiling(&plan, delivered: delivered, format: deliverable.format)
                        continue
                    }
                    Self.deliveredVerdict(&outcome, delivered: delivered, ceiling: plan.target.ceilingDBTP, format: deliverable.format)
                }
                if let pre = deliverable.preLimiterPath {
                    try transaction.addAudio(outcome.result.preLimiter, to: pre, format: deliverable.format, ditherSeed: seed, tags: tags)
                }
                if !codecs.isEmpty { progress(JobProgress(.checkingCodecs)) }
                try cancellation?.check()
                let checks = try CodecChecks.run(CodecExcerpt.make(outcome.result.master), codecs: codecs)
                return try finish(outcome, codecChecks: checks, transaction: transaction, progress: progress)
            } catch let e as AudioFileError {
                throw JobError(.failure, e.description)
            }
        }
        fatalError("unreachable")
    }

    /// Renders into the staged master file block by block, measuring the master on the way; the codec check
    /// reads its windows back from that file. A lossy deliverable is rendered into a hidden float WAV beside
    /// it, encoded from there block by block, decoded and measured; over the ceiling, it is rendered again
    /// with the ceiling lowered. A render works in the memory of a mix held whole; one more render (a lossy
    /// retry, the master after a reference match's first render) reads its file again (`Mix.readAgain`).
    consuming func runStreaming(progress: @escaping (JobProgress) -> Void) throws -> Outcome {
        var plan = self.plan
        let lossy = deliverable.format.isLossy
        precondition(!lossy || mix.file != nil || mix.canReadAgain, "a lossy deliverable streams from a mix that can be read again")
        let seed = plan.output.dither ? Self.ditherSeed(mix.source) : nil
        let tags = mix.tags.merging(tagOverrides)
        let trace = TraceClock()
        // A reference match refines its EQ on a first render, streamed into what it measures (nothing kept):
        // the first half of the rendering's progress.
        let refines = Renderer.refinesMatch(plan)
        // A mix held whole that renders more than once: the audio's fingerprint before a render works in it.
        let receipt = refines || lossy ? mix.receipt() : nil
        if refines {
            progress(JobProgress(.rendering, 0))
            let report = { (p: Double) in progress(JobProgress(.rendering, p / 2)) }
            if let file = mix.file {
                plan = Renderer.refinedMatchPlan(source: file, plan: plan, progress: report)
            } else if let receipt {
                // The first render works in the mix's memory; the master is rendered from the file read again.
                plan = Renderer.refinedMatchPlan(mix.takeAudio(), plan: plan, progress: report)
                try cancellation?.check()
                try mix.readAgain(receipt)
            } else {
                plan = Renderer.refinedMatchPlan(mix.audio, plan: plan, progress: report)
            }
            trace.lap("job: match refined on a first render")
        }
        for attempt in 0... {
            try cancellation?.check()
            let step: JobProgress.Step = attempt == 0 ? .rendering : .renderingAgain
            let from = refines && attempt == 0 ? 0.5 : 0
            let report = { (p: Double) in progress(JobProgress(step, from + (1 - from) * p)) }
            report(0)
            let transaction = OutputTransaction(existing: existing, protecting: protecting, createFolders: createFolders)
            // Where the render streams: the deliverable, or (lossy) a float WAV never committed.
            let scratch = lossy ? OutputTransaction(existing: .overwrite, protecting: protecting, createFolders: createFolders) : nil
            let renderedPath = lossy ? deliverable.path + Self.renderSuffix : deliverable.path
            let delivery = DeliverySink(transaction: scratch ?? transaction, path: renderedPath,
                                    format: lossy ? AudioFileFormat(.wav, .float32) : deliverable.format,
                                    sampleRate: plan.output.sampleRateHz ?? mix.info.sampleRateHz, channelCount: mix.info.channelCount,
                                    ditherSeed: lossy ? nil : seed, tags: tags)
            let sink: MasterSink = measuring.map { TeeSink(delivery, $0) } ?? delivery
            do {
                defer { scratch?.rollback() }
                // The codec check's windows are found as the master is rendered (no codecs, no windows).
                let windows = codecs.isEmpty ? nil : WindowSink(sampleRate: delivery.sampleRate)
                var outcome: Mastering.Outcome
                if let file = mix.file {
                    // A file changed under the render says so, whatever became of the master made from it.
                    do {
                        outcome = try Mastering.run(source: file, analysis: analysis, checklist: checklist, plan: plan, streamingTo: sink,
                                                    onRenderThread: windows, progress: report)
                    } catch { throw file.failure ?? error }
                    if let failure = file.failure { throw failure }
                } else {
                    // The job's own reference to the audio goes to the render (an earlier attempt's took it:
                    // the file is read again).
                    if attempt > 0, let receipt { try mix.readAgain(receipt) }
                    outcome = try Mastering.run(mix.takeAudio(), analysis: analysis, checklist: checklist, plan: plan, streamingTo: sink,
                                                onRenderThread: windows, progress: report)
                }
                trace.lap("job: render, measured and written")
                try cancellation?.check()
                try delivery.finish()
                let rendered = (scratch ?? transaction).stagedPath(for: renderedPath)!
                if lossy {
                    progress(JobProgress(.writing))
                    let delivered = try encode(rendered, into: transaction, tags: tags)
                    if delivered > plan.target.ceilingDBTP + 1e-6 && attempt < Self.lossyRetries {
                        transaction.rollback()
                        Self.lowerCeiling(&plan, delivered: delivered, format: deliverable.format)
                        continue
                    }
                    Self.deliveredVerdict(&outcome, delivered: delivered, ceiling: plan.target.ceilingDBTP, format: deliverable.format)
                }
                if let pre = deliverable.preLimiterPath {
                    try transaction.addAudio(outcome.result.preLimiter, to: pre, format: deliverable.format, ditherSeed: seed, tags: tags)
                }
                // The chain's output the render kept is delivered by now: let it go before the codec check and
                // the next job's render (several targets).
                outcome.result.preLimiter = AudioBuffer(sampleRate: outcome.result.preLimiter.sampleRate,
                                                        channelCount: outcome.result.preLimiter.channelCount, frameCount: 0)
                trace.lap("job: file finished")
                if !codecs.isEmpty { progress(JobProgress(.checkingCodecs)) }
                var checks: [TranslationReport.CodecCheck] = []
                if !codecs.isEmpty, let starts = windows?.starts() {
                    let window = min(outcome.after.frameCount, Int(CodecExcerpt.windowSeconds * outcome.after.sampleRateHz))
                    let windows = try AudioFileReader.readWindows(path: rendered, starts: starts, length: window)
                    try cancellation?.check()
                    checks = try CodecChecks.run(CodecExcerpt.join(windows), codecs: codecs)
                }
                trace.lap("job: codecs checked")
                return try finish(outcome, codecChecks: checks, transaction: transaction, progress: progress)
            } catch {
                throw transaction.failed(error)
            }
        }
        fatalError("unreachable")
    }

    /// The hidden float WAV a lossy deliverable is rendered into before it is encoded (beside it, removed
    /// afterwards, on failure and on a signal).
    static let renderSuffix = ".render.wav"

    /// Encodes the float master at `rendered` into the deliverable, block by block, and returns the true
    /// peak (8x) of the encoded file as a player decodes it.
    func encode(_ rendered: String, into transaction: OutputTransaction, tags: AudioTags) throws -> Double {
        var stream: Result<AudioFileWriter.Stream, Error>?
        _ = try AudioFileReader.forEachBlock(path: rendered, expecting: { channels, _, rate in
            stream = Result { try transaction.addAudioStream(to: deliverable.path, format: deliverable.format, sampleRate: rate,
                                                             channelCount: channels, tags: tags) }
        }) { block in try stream!.get().write(block) }
        try stream!.get().finish()
        return try Self.decodedTruePeakDB(transaction.stagedPath(for: deliverable.path)!)
    }

    /// A lossy file decoded over the ceiling: the limiter's ceiling lowered by the excess (and a margin),
    /// said in the plan's decisions.
    static func lowerCeiling(_ plan: inout MasteringPlan, delivered: Double, format: AudioFileFormat) {
        let ceiling = plan.target.ceilingDBTP
        let lowered = plan.limiter.ceilingDBTP - (delivered - ceiling) - lossyMarginDB
        plan.limiter.ceilingDBTP = (lowered * 100).rounded(.down) / 100
        plan.decisions.removeAll { $0.stage == "output" && $0.summary.hasPrefix("limiter ceiling lowered") }
        if let l = plan.decisions.firstIndex(where: { $0.stage == "limiter" }) { plan.decisions[l].summary = DecisionText.limiter(plan.limiter) }
        plan.decisions.append(PlanDecision(
            stage: "output", summary: "limiter ceiling lowered to \(NumberText.decimal(plan.limiter.ceilingDBTP, digits: 2)) dBTP for \(format)",
            reason: "the decoded \(format) peaked at \(NumberText.decimal(delivered, digits: 2)) dBTP over the \(NumberText.decimal(ceiling)) dBTP ceiling; the encoder adds the difference"))
    }

    /// The verdict of a lossy file is the file's: its decoded true peak in the report, and the ceiling item
    /// left open when it is over.
    static func deliveredVerdict(_ outcome: inout Mastering.Outcome, delivered: Double, ceiling: Double, format: AudioFileFormat) {
        outcome.report.deliveredTruePeakDBTP = (delivered * 100).rounded() / 100
        outcome.report.deliveredFormat = "\(format)"
        if delivered > ceiling + 1e-6 {
            outcome.report.ceilingHeld = false
            outcome.checklist = markCeilingOpen(outcome.checklist, delivered: delivered, format: "\(format)")
        }
    }

    /// After the codec check: the translation, the session beside the master, and the commit of both.
    func finish(_ outcome: Mastering.Outcome, codecChecks checks: [TranslationReport.CodecCheck], transaction: OutputTransaction,
                progress: (JobProgress) -> Void) throws -> Outcome {
        try cancellation?.check()
        let translation = Translation.evaluate(outcome.after, codecs: checks)
        let session = Session(toolVersion: toolVersion, input: mix.info, plan: outcome.result.plan, checklist: outcome.checklist,
                              report: outcome.report, translation: translation)
        progress(JobProgress(.writing))
        try transaction.addData(Data((String(decoding: try session.jsonData(), as: UTF8.self) + "\n").utf8), to: deliverable.sessionPath)
        try transaction.commit()
        return Outcome(mastering: outcome, session: session, translation: translation)
    }

    /// The 8x true peak of a file as a player decodes it, read block by block (never whole in memory).
    static func decodedTruePeakDB(_ path: String) throws -> Double {
        var meter: TruePeakMeter.Stream?
        _ = try AudioFileReader.forEachBlock(path: path, expecting: { channels, _, _ in
            meter = TruePeakMeter.Stream(meter: TruePeakMeter(interpolator: TruePeakInterpolator(factor: 8, tapsPerPhase: 32)),
                                         channelCount: channels)
        }) { meter!.add($0) }
        return Decibels.fromAmplitude(Double(meter!.finish().map(\.truePeak).max() ?? 0))
    }

    /// The ceiling item, still open because of the delivered file.
    static func markCeilingOpen(_ c: Checklist, delivered: Double, format: String) -> Checklist {
        var items = c.items
        if let i = items.firstIndex(where: { $0.key == "master.ceiling" }) {
            items[i].status = .stillOpen
            items[i].title = "The \(format) file peaks at \(NumberText.decimal(delivered, digits: 2)) dBTP after decoding, over the ceiling"
        }
        return Checklist(items: items)
    }

    /// A seed from the audio itself, so the same input always gets the same dither.
    public static func ditherSeed(_ audio: some AudioSource) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) { h = (h ^ v) &* 0x100_0000_01b3 }
        mix(UInt64(audio.frameCount)); mix(UInt64(audio.sampleRate))
        // The first frames of each channel in turn (read once: a file source hands them over in blocks).
        var first = [[Float]](repeating: [], count: audio.channelCount)
        audio.forEachBlock(0..<min(audio.frameCount, Self.ditherSeedFrames)) { block in
            for c in block.indices { first[c].append(contentsOf: block[c]) }
        }
        for c in first { for x in c { mix(UInt64(x.bitPattern)) } }
        return h
    }

    /// The frames of each channel the dither's seed is made from.
    static let ditherSeedFrames = 65_536

}

/// The codec check's windows, found as the master is rendered (on the render's thread).
final class WindowSink: MasterSink {
    let sampleRate: Double
    private var finder: CodecExcerpt.WindowFinder
    init(sampleRate: Double) { self.sampleRate = sampleRate; finder = CodecExcerpt.WindowFinder(sampleRate: sampleRate) }
    /// The windows' start frames, once the render is done.
    func starts() -> [Int] { finder.starts() }
    func restart() { finder = CodecExcerpt.WindowFinder(sampleRate: sampleRate) }
    func add(_ block: [UnsafeBufferPointer<Float>]) { finder.add(block) }
}

/// The master's file, written as the master is rendered. A restart (a corrective pass) writes the file
/// again from the start.
final class DeliverySink: MasterSink {
    let transaction: OutputTransaction
    let path: String, format: AudioFileFormat, sampleRate: Double, channelCount: Int
    let ditherSeed: UInt64?, tags: AudioTags
    private var writer: AudioFileWriter.Stream?
    private var failure: Error?

    init(transaction: OutputTransaction, path: String, format: AudioFileFormat, sampleRate: Double, channelCount: Int,
         ditherSeed: UInt64?, tags: AudioTags) {
        self.transaction = transaction; self.path = path; self.format = format
        self.sampleRate = sampleRate; self.channelCount = channelCount; self.ditherSeed = ditherSeed; self.tags = tags
    }

    func restart() {
        writer = nil
        transaction.discard(path)
        failure = nil
        do {
            writer = try transaction.addAudioStream(to: path, format: format, sampleRate: sampleRate, channelCount: channelCount,
                                                    ditherSeed: ditherSeed, tags: tags)
        } catch { failure = error }
    }

    func add(_ block: [UnsafeBufferPointer<Float>]) {
        guard failure == nil, let writer else { return }
        do { try writer.write(block) } catch { failure = error }
    }

    /// Completes the file.
    func finish() throws {
        if let failure { throw failure }
        guard let writer else { throw AudioFileError(.writeFailed, path: path, "nothing was rendered") }
        try writer.finish()
    }
}
