import Foundation
import GRDB
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomPlots
import HeadroomReport
import HeadroomSession

/// What the analysis job leaves in a song's folder (`analysis.json`): the analysis, its checklist and the
/// waveform overview, read by the page and the plots.
public struct SongAnalysis: Codable, Sendable {
    public var analysis: Analysis
    public var checklist: Checklist
    public var waveform: WaveformSummary
    public var format: String
}

/// The studio's work, without HTTP: add songs, analyze, render, notes and ticks. The server only parses,
/// calls one of these and answers. Long work runs on one serial queue (2 cores: one job at a time, its own
/// parallel parts inside), with its progress in the store so a page reload finds it again.
public final class Studio: Sendable {
    public let store: Store
    public let toolVersion: String
    /// The largest upload taken, in bytes.
    public let maxUploadBytes: Int
    private let queue = DispatchQueue(label: "headroom.studio.jobs", qos: .userInitiated)
    /// The cancellation of every job not yet finished, by job id.
    private let cancellations = Cancellations()

    /// A new job's cancellation, found again by `cancel(jobID:)`.
    func trackCancellation(_ job: String) -> Cancellation { cancellations.make(job) }

    /// Runs `work` on the job queue (one job at a time); the job's cancellation is dropped when it ends.
    func enqueue(_ job: String, _ work: @escaping @Sendable () -> Void) {
        let cancellations = self.cancellations
        queue.async {
            defer { cancellations.remove(job) }
            work()
        }
    }

    final class Cancellations: @unchecked Sendable {
        private let lock = NSLock()
        private var byJob: [String: Cancellation] = [:]
        func make(_ job: String) -> Cancellation { lock.withLock { let c = Cancellation(); byJob[job] = c; return c } }
        func get(_ job: String) -> Cancellation? { lock.withLock { byJob[job] } }
        func remove(_ job: String) { lock.withLock { _ = byJob.removeValue(forKey: job) } }
    }

    public init(store: Store, toolVersion: String, maxUploadBytes: Int = 2 << 30) {
        self.store = store; self.toolVersion = toolVersion; self.maxUploadBytes = maxUploadBytes
    }

    // MARK: Adding songs

    /// Takes an uploaded file (already in the library's incoming folder): checks it is audio Headroom can
    /// read, moves it into a new song's folder and starts its analysis. A bad file is removed, nothing kept.
    public func addUpload(_ file: URL, name: String) throws -> (SongRecord, JobRecord) {
        let ext = (name as NSString).pathExtension.lowercased()
        let cleanName = Self.displayName(name)
        do {
            let probe = file.path
            _ = try Mix.load(probe)
        } catch let e as JobError {
            try? FileManager.default.removeItem(at: file)
            throw JobError(.usage, e.message.replacingOccurrences(of: file.path, with: (name as NSString).lastPathComponent))
        }
        let id = Store.newID()
        let folder = store.songFolder(id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let audio = folder.appendingPathComponent("mix" + (ext.isEmpty || ext.count > 5 ? "" : "." + ext))
        try FileManager.default.moveItem(at: file, to: audio)
        let song = SongRecord(id: id, name: cleanName, audioPath: audio.path, referenced: false, createdAt: Date(),
                              status: .analyzing)
        try store.save(song)
        return (song, startAnalysis(song))
    }

    /// Adds a file on this machine by reference: it is read, never written.
    public func addPath(_ path: String) throws -> (SongRecord, JobRecord) {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else { throw JobError.usage("give the path of a mix on this machine") }
        let absolute = URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL.path
        _ = try Mix.load(absolute)
        let song = SongRecord(id: Store.newID(), name: Self.displayName((absolute as NSString).lastPathComponent),
                              audioPath: absolute, referenced: true, createdAt: Date(), status: .analyzing)
        try FileManager.default.createDirectory(at: store.songFolder(song.id), withIntermediateDirectories: true)
        try store.save(song)
        return (song, startAnalysis(song))
    }

    static func displayName(_ name: String) -> String {
        let base = (name as NSString).lastPathComponent
        let stem = (base as NSString).deletingPathExtension
        let cleaned = String((stem.isEmpty ? base : stem).unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
        return cleaned.isEmpty ? "untitled" : String(cleaned.prefix(120))
    }

    // MARK: Jobs

    func newJob(song: String, kind: JobRecord.Kind, render: String? = nil) throws -> JobRecord {
        let job = JobRecord(id: Store.newID(), songID: song, kind: kind, renderID: render, status: .queued, step: "waiting",
                            fraction: 0, message: nil, createdAt: Date())
        try store.save(job)
        return job
    }

    /// Progress into the store, at most every 2 % so the database is not flooded.
    final class Reporter: @unchecked Sendable {
        let store: Store
        var job: JobRecord
        private var lastFraction = -1.0
        private var lastStep = ""
        init(store: Store, job: JobRecord) { self.store = store; self.job = job }
        func report(_ step: String, _ fraction: Double) {
            guard step != lastStep || fraction - lastFraction >= 0.02 || fraction >= 1 else { return }
            lastStep = step; lastFraction = fraction
            job.status = .running; job.step = step; job.fraction = fraction
            try? store.save(job)
        }
        func finish(_ error: String?, cancelled: Bool = false) {
            job.status = cancelled ? .cancelled : error == nil ? .done : .failed
            job.fraction = 1; job.step = job.status.rawValue; job.message = error
            try? store.save(job)
        }
    }

    /// Stops a job: a queued one before it starts, a running one at its next step (a render within a few
    /// seconds). Its render, if any, is marked cancelled and leaves no files. Finished jobs are left alone.
    public func cancel(jobID: String) throws -> JobRecord {
        guard let job = try store.job(jobID) else { throw JobError.usage("no such job") }
        guard job.isActive, let token = cancellations.get(jobID) else { return job }
        token.cancel()
        return job
    }

    func startAnalysis(_ song: SongRecord) -> JobRecord {
        guard let job = try? newJob(song: song.id, kind: .analyze) else {
            return JobRecord(id: "", songID: song.id, kind: .analyze, status: .failed, step: "failed", fraction: 1, createdAt: Date())
        }
        let store = self.store
        let token = trackCancellation(job.id)
        enqueue(job.id) {
            let r = Reporter(store: store, job: job)
            var s = song
            if token.isCancelled {
                s.status = .failed; s.error = "analysis cancelled"
                try? store.save(s)
                r.finish("cancelled", cancelled: true)
                return
            }
            r.report("analyzing", 0.1)
            do {
                let mix = try Mix.load(song.audioPath)
                let analysis = try mix.analyze()
                r.report("analyzing", 0.8)
                let result = SongAnalysis(analysis: analysis, checklist: ChecklistRules.evaluate(analysis),
                                          waveform: WaveformSummary.make(mix.audio), format: mix.info.format)
                try Self.writeJSON(result, to: store.songFolder(song.id).appendingPathComponent("analysis.json"))
                s.status = .ready; s.durationSeconds = analysis.durationSeconds; s.integratedLUFS = analysis.loudness.integratedLUFS
                try store.save(s)
                r.finish(nil)
            } catch {
                s.status = .failed; s.error = (error as? JobError)?.message ?? "\(error)"
                try? store.save(s)
                r.finish(s.error)
            }
        }
        return job
    }

    /// Starts a render of `songID` with `settings`; the render and its job are returned at once.
    public func startRender(songID: String, settings: RenderSettings) throws -> (RenderRecord, JobRecord) {
        try settings.validate()
        guard let song = try store.song(songID) else { throw JobError.usage("no such song") }
        guard song.status == .ready else { throw JobError.usage("\(song.name) is not analyzed yet") }
        let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        let render = RenderRecord(id: Store.newID(), songID: songID, createdAt: Date(), status: .rendering, error: nil,
                                  settingsJSON: json, targetName: settings.loudnessTarget.name)
        try store.save(render)
        let job = try newJob(song: songID, kind: .render, render: render.id)
        let store = self.store, version = toolVersion
        let token = trackCancellation(job.id)
        enqueue(job.id) {
            let r = Reporter(store: store, job: job)
            var rec = render
            let folder = store.renderFolder(song: songID, render: render.id)
            do {
                try token.check()
                r.report("analyzing", 0)
                let mix = try Mix.load(song.audioPath)
                let saved = try Self.readAnalysis(store, songID)
                var options = Planner.Options(target: settings.loudnessTarget)
                options.evenOut = settings.evenOut
                options.keepShape = settings.keepShape
                if let refID = song.referenceID, let ref = try store.song(refID), ref.status == .ready {
                    options.reference = try References.measure(ref.audioPath, name: ref.name)
                    options.matchAmounts = settings.matchAmounts
                }
                var plan = Planner(options: options).plan(analysis: saved.analysis, checklist: saved.checklist, audio: mix.audio)
                settings.apply(to: &plan)
                var job = MasterJob(mix: mix, analysis: saved.analysis, checklist: saved.checklist, plan: plan,
                                    deliverable: Deliverable(path: folder.appendingPathComponent("master.wav").path,
                                                             format: AudioFileFormat(.wav, .int24)),
                                    toolVersion: version)
                job.codecs = LossyRoundTrip.Codec.allCases
                job.cancellation = token
                job.keepsAudio = true  // the page plots the limiter's gain reduction from both
                let outcome = try job.run(progress: { p in r.report(p.step.rawValue, p.fraction ?? (p.step == .writing ? 0.95 : 0.9)) })
                let report = outcome.mastering.report
                try Self.writeJSON(outcome.mastering.after, to: folder.appendingPathComponent("after.json"))
                let result = outcome.mastering.result
                try Self.writeJSON(GainReductionCurve.measure(preLimiter: result.preLimiter, master: result.master,
                                                              inputGainDB: result.plan.limiter.inputGainDB, shape: result.plan.shape),
                                   to: folder.appendingPathComponent("gain.json"))
                if let compressor = result.compressorGainReduction {
                    try Self.writeJSON(compressor, to: folder.appendingPathComponent("compressor-gain.json"))
                }
                if let summary = SongView.RenderSummary.make(outcome.session, master: outcome.mastering.after) {
                    try Self.writeJSON(summary, to: folder.appendingPathComponent("summary.json"))
                }
                rec.status = .done
                rec.integratedLUFS = outcome.mastering.after.loudness.integratedLUFS
                rec.truePeakDBTP = report.truePeak8xDBTP
                rec.targetHit = report.targetHit
                rec.ceilingHeld = report.ceilingHeld
                try store.save(rec)
                r.finish(nil)
            } catch {
                Self.end(&rec, error, folder: folder, store: store, reporter: r)
            }
        }
        return (render, job)
    }

    /// A render (of a song or of the album) that threw: cancelled, with its folder removed, or failed with
    /// its one line; said in its record and in its job.
    static func end<R: RenderOutcome>(_ rec: inout R, _ error: Error, folder: URL, store: Store, reporter: Reporter) {
        if let e = error as? JobError, e.kind == .cancelled {
            try? FileManager.default.removeItem(at: folder)
            rec.status = .cancelled; rec.error = "cancelled"
            try? store.save(rec)
            reporter.finish("cancelled", cancelled: true)
        } else {
            rec.status = .failed; rec.error = (error as? JobError)?.message ?? "\(error)"
            try? store.save(rec)
            reporter.finish(rec.error)
        }
    }

    // MARK: Files of a song

    public static func readAnalysis(_ store: Store, _ songID: String) throws -> SongAnalysis {
        let data = try Data(contentsOf: store.songFolder(songID).appendingPathComponent("analysis.json"))
        return try JSONDecoder().decode(SongAnalysis.self, from: data)
    }

    public func analysis(_ songID: String) throws -> SongAnalysis { try Self.readAnalysis(store, songID) }

    /// The master file of a finished render.
    public func masterPath(song: String, render: String) -> String {
        store.renderFolder(song: song, render: render).appendingPathComponent("master.wav").path
    }

    /// The master's analysis (for its loudness curve and spectrum).
    public func masterAnalysis(song: String, render: String) throws -> Analysis {
        try JSONDecoder().decode(Analysis.self, from: Data(contentsOf: store.renderFolder(song: song, render: render)
            .appendingPathComponent("after.json")))
    }

    /// The render's self-contained HTML report (the same page as `headroom report`, with the gain reduction).
    public func report(song songID: String, render renderID: String) throws -> String {
        guard let song = try store.song(songID) else { throw JobError.usage("no such song") }
        let saved = try analysis(songID)
        var session = try session(song: songID, render: renderID)
        session.input.path = song.name  // not the library's inner path
        return HTMLReport.render(HTMLReport.Input(title: song.name, session: session, mix: saved.analysis,
                                                  master: try masterAnalysis(song: songID, render: renderID), waveform: saved.waveform,
                                                  gainReduction: try? gainReduction(song: songID, render: renderID),
                                                  compressorGainReduction: try? compressorGainReduction(song: songID, render: renderID)))
    }

    /// The compressor's gain reduction over the render (renders with the compressor off have none).
    public func compressorGainReduction(song: String, render: String) throws -> GainReductionCurve {
        try JSONDecoder().decode(GainReductionCurve.self, from: Data(contentsOf: store.renderFolder(song: song, render: render)
            .appendingPathComponent("compressor-gain.json")))
    }

    /// The limiter's gain reduction over the render.
    public func gainReduction(song: String, render: String) throws -> GainReductionCurve {
        try JSONDecoder().decode(GainReductionCurve.self, from: Data(contentsOf: store.renderFolder(song: song, render: render)
            .appendingPathComponent("gain.json")))
    }

    public func sessionPath(song: String, render: String) -> String {
        Deliverable.sessionPath(forOutput: masterPath(song: song, render: render))
    }

    public func session(song: String, render: String) throws -> Session {
        try Session.decode(Data(contentsOf: URL(fileURLWithPath: sessionPath(song: song, render: render))))
    }

    static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(value).write(to: url, options: .atomic)
    }
}
