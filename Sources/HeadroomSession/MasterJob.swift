import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomTranslation

/// Where a job is, for a progress bar: `master` and `album` print it, the studio pushes it to the page.
public struct JobProgress: Sendable, Equatable {
    public enum Step: String, Sendable { case analyzing, rendering, checkingCodecs = "checking codecs", writing }
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

    public func run(progress: @escaping (JobProgress) -> Void = { _ in }) throws -> Outcome {
        try checkOutputs()
        progress(JobProgress(.rendering, 0))
        let outcome = try Mastering.run(mix.audio, analysis: analysis, checklist: checklist, plan: plan,
                                        progress: { progress(JobProgress(.rendering, $0)) })
        if !codecs.isEmpty { progress(JobProgress(.checkingCodecs)) }
        let checks = try CodecChecks.run(Self.codecExcerpt(outcome.result.master, loudest: outcome.result.plan.loudestSection),
                                         codecs: codecs)
        let translation = Translation.evaluate(outcome.after, codecs: checks)
        let session = Session(toolVersion: toolVersion, input: mix.info, plan: outcome.result.plan, checklist: outcome.checklist,
                              report: outcome.report, translation: translation)
        progress(JobProgress(.writing))
        let seed = plan.output.dither ? Self.ditherSeed(mix.audio) : nil
        let tags = mix.tags.merging(tagOverrides)
        let transaction = OutputTransaction(existing: existing, protecting: protecting, createFolders: createFolders)
        do {
            try transaction.addAudio(outcome.result.master, to: deliverable.path, format: deliverable.format, ditherSeed: seed, tags: tags)
            if let pre = deliverable.preLimiterPath {
                try transaction.addAudio(outcome.result.preLimiter, to: pre, format: deliverable.format, ditherSeed: seed, tags: tags)
            }
            try transaction.addData(Data((String(decoding: try session.jsonData(), as: UTF8.self) + "\n").utf8), to: deliverable.sessionPath)
            try transaction.commit()
        } catch let e as AudioFileError {
            throw JobError(.failure, e.description)
        }
        return Outcome(mastering: outcome, session: session, translation: translation)
    }

    /// A seed from the audio itself, so the same input always gets the same dither.
    public static func ditherSeed(_ audio: AudioBuffer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) { h = (h ^ v) &* 0x100_0000_01b3 }
        mix(UInt64(audio.frameCount)); mix(UInt64(audio.sampleRate))
        for c in audio.channels { for x in c.prefix(65_536) { mix(UInt64(x.bitPattern)) } }
        return h
    }

    /// Seconds of the master the codecs are checked on (the full file: `headroom check`).
    public static let codecExcerptSeconds = 15.0

    /// The excerpt the codec check encodes: `codecExcerptSeconds` of the loudest section, centred on its
    /// highest sample peak (where decoding overs appear first), so the check costs the same for any length.
    public static func codecExcerpt(_ master: AudioBuffer, loudest: TimeRange) -> AudioBuffer {
        let sr = master.sampleRate
        let a = max(0, min(master.frameCount, Int(loudest.startSeconds * sr)))
        let b = max(a, min(master.frameCount, Int(loudest.endSeconds * sr)))
        var peakFrame = a, peak: Float = -1
        for c in master.channels { for i in a..<b where abs(c[i]) > peak { peak = abs(c[i]); peakFrame = i } }
        let half = Int(codecExcerptSeconds * sr / 2)
        let start = max(a, min(b - 2 * half, peakFrame - half)), end = min(b, max(a, start) + 2 * half)
        return master.slice(max(a, start)..<max(max(a, start), end))
    }
}
