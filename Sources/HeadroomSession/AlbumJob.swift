import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomIO
import HeadroomMastering

/// Masters several mixes as one album: analyze every track (in parallel), plan the album (loudness and
/// tone together: `AlbumPlanner`), master every track with its own `MasterJob` (in parallel), and report.
/// `headroom album` and the studio's album both call it; it prints nothing (progress goes to a callback).
public struct AlbumJob: Sendable {
    /// One track: the mix to read, its name in reports, and where its master goes (its session beside it).
    public struct Track: Sendable {
        public var path: String
        public var name: String
        public var output: String
        public init(path: String, name: String, output: String) { self.path = path; self.name = name; self.output = output }
    }

    /// Where one track is, for a progress bar per track.
    public struct Progress: Sendable {
        public var track: Int
        /// "analyzing", "analyzed", "planning", a `JobProgress` step, "done" or "failed".
        public var step: String
        /// 0...1 within a rendering step, when known.
        public var fraction: Double?
    }

    public var tracks: [Track]
    public var options: AlbumPlanner.Options
    public var format: AudioFileFormat
    /// `album.headroom.json`: written with the masters' last one, whole or not at all.
    public var reportPath: String?
    public var existing: AudioFileWriter.ExistingFile = .keep
    /// Files never written (the tracks themselves are always protected).
    public var protecting: [String] = []
    /// Tracks analyzed and mastered at once.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    public var toolVersion: String
    /// Checked between every track's steps.
    public var cancellation: Cancellation?

    public init(tracks: [Track], options: AlbumPlanner.Options, format: AudioFileFormat, toolVersion: String) {
        self.tracks = tracks; self.options = options; self.format = format; self.toolVersion = toolVersion
    }

    /// What the first phase keeps of a track (the audio is read again when mastering, so memory stays per job).
    struct Prepared: Sendable {
        var index: Int
        var analysis: Analysis
        var checklist: Checklist
        var profile: ReferenceProfile
        var seconds: Double
    }

    /// Runs the album. A track that cannot be read or mastered is reported as failed in the report (with its
    /// one-line reason); the others still finish. Throws only for the album's own report, or when cancelled.
    public func run(progress: @escaping @Sendable (Progress) -> Void = { _ in }) throws -> AlbumReport {
        let start = ContinuousClock.now
        let inputs = tracks.map(\.path) + protecting
        let tracks = self.tracks, options = self.options, cancellation = self.cancellation
        @Sendable func say(_ i: Int, _ step: String, _ fraction: Double? = nil) { progress(Progress(track: i, step: step, fraction: fraction)) }

        // 1. Read and analyze every track, in parallel.
        let prepared: [Result<Prepared, JobError>] = parallelMap(tracks.count, jobs: jobs) { i in
            let t0 = ContinuousClock.now
            say(i, "analyzing")
            do {
                try cancellation?.check()
                // Analyzed as it is read, read again for its loud part's profile: never held in this step.
                let (analysis, profile) = try References.analyzeAndMeasure(tracks[i].path, name: tracks[i].name, span: options.matchSpan)
                say(i, "analyzed")
                return .success(Prepared(index: i, analysis: analysis, checklist: ChecklistRules.evaluate(analysis), profile: profile,
                                         seconds: seconds(ContinuousClock.now - t0)))
            } catch {
                say(i, "failed")
                return .failure(Self.jobError(error, tracks[i]))
            }
        }
        try cancellation?.check()
        let ok = prepared.compactMap { try? $0.get() }

        // 2. The album plan.
        let planner = AlbumPlanner(options: options)
        let albumTracks = ok.map { AlbumPlanner.Track(name: tracks[$0.index].name, analysis: $0.analysis, profile: $0.profile) }
        let loudness = planner.loudness(albumTracks)
        let trackOptions = planner.trackOptions(albumTracks)
        let tonalTarget = options.reference ?? AlbumPlanner.averageProfile(albumTracks)

        // 3. Master every track, in parallel.
        let format = self.format, existing = self.existing, version = toolVersion
        let mastered: [Result<(AlbumReport.Track, ReferenceProfile), JobError>] = parallelMap(ok.count, jobs: jobs) { k in
            let p = ok[k], i = p.index
            let t0 = ContinuousClock.now
            var line = AlbumReport.Track(name: tracks[i].name, input: tracks[i].path, status: "failed")
            line.beforeLUFS = p.analysis.loudness.integratedLUFS
            line.targetLUFS = loudness[k].targetLUFS
            line.offsetLU = loudness[k].offsetLU
            line.loudnessReason = loudness[k].reason
            line.tonalDistanceBeforeDB = MatchDistances(p.profile, tonalTarget).tonalDB
            do {
                say(i, "planning")
                let (done, streamedProfile) = try Self.master(tracks[i], analysis: p.analysis, checklist: p.checklist, options: trackOptions[k],
                                                              sections: p.profile.sections, format: format, existing: existing, protecting: inputs,
                                                              cancellation: cancellation, toolVersion: version,
                                                              progress: { s in say(i, s.step.rawValue, s.fraction) })
                let outcome = done.mastering
                let after = streamedProfile.map { $0.profile(integratedLUFS: outcome.after.loudness.integratedLUFS, name: line.name, ranges: p.profile.sections) }
                    ?? ReferenceProfile.measure(outcome.result.master, analysis: outcome.after, name: line.name, ranges: p.profile.sections)
                line.status = "mastered"
                line.output = tracks[i].output
                line.afterLUFS = outcome.after.loudness.integratedLUFS
                line.truePeak8xDBTP = outcome.result.truePeak8xDBTP
                line.guardLimited = outcome.result.guardLimited
                line.tonalDistanceAfterDB = MatchDistances(after, tonalTarget).tonalDB
                line.seconds = p.seconds + seconds(ContinuousClock.now - t0)
                say(i, "done")
                return .success((line, after))
            } catch {
                say(i, "failed")
                return .failure(Self.jobError(error, tracks[i]))
            }
        }
        try cancellation?.check()

        // 4. The album report, in the tracks' order.
        var lines: [AlbumReport.Track] = []
        var after: [ReferenceProfile] = []
        for (i, track) in tracks.enumerated() {
            var failed = AlbumReport.Track(name: track.name, input: track.path, status: "failed")
            switch prepared[i] {
            case .failure(let e):
                failed.error = e.message
                lines.append(failed)
            case .success:
                let k = ok.firstIndex { $0.index == i }!
                switch mastered[k] {
                case .success(let (line, profile)):
                    lines.append(line); after.append(profile)
                case .failure(let e):
                    failed.error = e.message
                    failed.beforeLUFS = ok[k].analysis.loudness.integratedLUFS
                    lines.append(failed)
                }
            }
        }
        let base = options.target
        let towards = options.reference != nil && options.matchAmounts.loudness > 0 ? " (towards the reference)" : ""
        let rule = "loudest track at \(NumberText.decimal(planner.baseLUFS)) LUFS\(towards); others keep \(Int((options.keepOffset * 100).rounded())) % of their loud-part distance to it, at most \(NumberText.decimal(options.maxOffsetLU)) LU under; ceiling \(NumberText.decimal(base.ceilingDBTP)) dBTP for every track"
        let report = AlbumReport(target: base, rule: rule,
                                 tonalTargetName: options.reference.map { "the reference \($0.name)" } ?? "the album average, matched by \(Int((options.eqAmount * 100).rounded())) %",
                                 tracks: lines, profilesBefore: ok.map(\.profile), profilesAfter: after, ceilingDBTP: base.ceilingDBTP,
                                 wallSeconds: seconds(ContinuousClock.now - start), jobs: jobs)
        if let reportPath {
            let data = try ReportJSON.encoder().encode(report)
            try ReportJob.write(String(decoding: data, as: UTF8.self) + "\n", to: reportPath, existing: existing, protecting: inputs)
        }
        return report
    }

    /// Plans and masters one track, read again from its file. The album compares its masters' loud parts:
    /// measured as a streamed master is written (returned, nothing kept), or on the master kept whole when it
    /// cannot stream (nil). The job holds the only reference to the audio, so a streamed render works in its
    /// memory instead of copying it.
    static func master(_ track: Track, analysis: Analysis, checklist: Checklist, options: Planner.Options, sections: [TimeRange],
                       format: AudioFileFormat, existing: AudioFileWriter.ExistingFile, protecting: [String], cancellation: Cancellation?,
                       toolVersion: String, progress: @escaping (JobProgress) -> Void) throws -> (MasterJob.Outcome, SectionsSink?) {
        let mix = try Mix.load(track.path)
        let plan = Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: mix.audio)
        let sink = SectionsSink(sections: sections, sampleRate: plan.output.sampleRateHz ?? mix.info.sampleRateHz,
                                channelCount: mix.info.channelCount)
        // Set up in a consuming builder, so the job is a `let` that `consume` hands over whole: calling the
        // consuming `run` on a `var` copies the job (and the render then copies the mix), and `consume` on a
        // mutated `var` is refused by this compiler.
        let job = { (job: consuming MasterJob) -> MasterJob in
            job.existing = existing
            job.protecting = protecting
            job.cancellation = cancellation
            if job.streams { job.measuring = sink } else { job.keepsAudio = true }
            return job
        }(MasterJob(mix: consume mix, analysis: analysis, checklist: checklist, plan: plan,
                    deliverable: Deliverable(path: track.output, format: format), toolVersion: toolVersion))
        let streams = !job.keepsAudio
        let outcome = try (consume job).run(progress: progress)
        return (outcome, streams ? sink : nil)
    }

    /// Whether every mastered track met its checks (no limiting guard stop, ceiling held).
    public static func checksOpen(_ report: AlbumReport) -> [AlbumReport.Track] {
        report.tracks.filter { $0.guardLimited == true || ($0.truePeak8xDBTP ?? -100) > report.target.ceilingDBTP + 1e-6 }
    }

    static func jobError(_ error: Error, _ track: Track) -> JobError {
        if let e = error as? JobError { return e }
        return JobError(.failure, "\(track.path): \(error)")
    }
}
