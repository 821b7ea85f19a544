import ArgumentParser
import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomReport
import HeadroomSession

/// `headroom album`: analyze every track in parallel, plan the album as a whole, master every track.
struct Album: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Master an album: one loudness rule, one tonal target, one ceiling; every track mastered in parallel.",
        discussion: """
        Loudness rule: the track whose loud part (loudest section and those within 3 LU) is loudest sits at the \
        target; every other track keeps --keep-offset of its distance to it (default 0.5: a ballad 6 LU under \
        stays 3 LU under), at most --max-offset LU under. Tone: each track is matched towards the album's \
        average loud-part spectrum by --album-eq (or towards --reference). Same ceiling everywhere. Writes \
        DIR/NAME.master.wav and its session DIR/NAME.master.headroom.json per track and DIR/album.headroom.json; \
        nothing is overwritten without --force; a track that fails is reported and the others still finish (exit \
        1); a track whose target or ceiling was missed is written and reported (exit 3).
        """)

    @Argument(help: "The tracks, in album order.")
    var tracks: [String]

    @Option(name: [.short, .customLong("output")], help: "Output folder (default: 'masters' next to the first track; created).")
    var output: String?

    @OptionGroup var loudness: LoudnessOptions

    @Option(name: .customLong("keep-offset"), help: "Share of each track's loudness distance to the loudest track it keeps, 0...1.")
    var keepOffset: Double = 0.5

    @Option(name: .customLong("max-offset"), help: "The most a track may sit under the target, in LU.")
    var maxOffset: Double = 4

    @Option(name: .customLong("album-eq"), help: "How far each track's tone is matched to the album's average, 0...1.")
    var albumEQ: Double = 0.5

    @Option(name: .customLong("even-out"), help: "Section even-out within each track, 0...1.")
    var evenOut: Double = 0.4

    @OptionGroup var reference: ReferenceOptions

    @Option(help: "Parallel jobs (default: every core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Output format: wav or flac.")
    var format: String = "wav"

    @Option(help: "Bits: 16, 24 or 32f (32f: WAV only).")
    var bits: String = "24"

    @Flag(help: "Replace existing output files.")
    var force = false

    @Flag(name: .shortAndLong, help: "No progress or report on the terminal.")
    var quiet = false

    @OptionGroup var jsonOutput: JSONOptions
    var json: Bool { jsonOutput.json }

    func validate() throws {
        guard !tracks.isEmpty else { throw ValidationError("give at least one track") }
        if loudness.presetNames.count > 1 { throw ValidationError("an album has one target; give one --target") }
        try jsonOutput.validate(inputs: tracks + reference.references)
        for (name, v) in [("--keep-offset", keepOffset), ("--album-eq", albumEQ), ("--even-out", evenOut)] where !(0.0...1.0).contains(v) {
            throw ValidationError("\(name) must be between 0 and 1")
        }
        guard (0.0...20.0).contains(maxOffset) else { throw ValidationError("--max-offset must be between 0 and 20 LU") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        guard ["wav", "flac"].contains(format) else { throw ValidationError("--format must be wav or flac") }
        guard ["16", "24", "32f"].contains(bits), !(format == "flac" && bits == "32f") else { throw ValidationError("--bits must be 16, 24 or 32f (FLAC: 16 or 24)") }
        let stems = tracks.map(Self.stem)
        if let dup = stems.first(where: { s in stems.filter { $0 == s }.count > 1 }) {
            throw ValidationError("two tracks are named '\(dup)': their outputs would collide; rename one")
        }
    }

    static func stem(_ path: String) -> String { ((path as NSString).lastPathComponent as NSString).deletingPathExtension }

    /// What phase 1 keeps of a track (the audio is read again when mastering, so memory stays per job).
    struct Prepared: Sendable {
        var index: Int
        var info: InputFile
        var analysis: Analysis
        var checklist: Checklist
        var profile: ReferenceProfile
        var seconds: Double
    }

    func run() throws {
        let start = ContinuousClock.now
        let folder = output ?? {
            let first = (tracks[0] as NSString).deletingLastPathComponent
            return (first.isEmpty ? "" : first + "/") + "masters"
        }()
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw Failure(message: "\(folder): cannot create the output folder (\(error.localizedDescription))")
        }
        let container: AudioFileFormat.Container = format == "flac" ? .flac : .wav
        let outPaths = tracks.map { (folder as NSString).appendingPathComponent(Self.stem($0) + ".master." + container.rawValue) }
        let albumPath = (folder as NSString).appendingPathComponent("album.headroom.json")
        if !force && FileManager.default.fileExists(atPath: albumPath) {
            throw Failure(message: "\(albumPath): already exists (kept; use --force to replace the album's outputs)")
        }
        let inputs = tracks + reference.references
        let progress = TrackProgress(names: tracks.map(Self.stem), enabled: !quiet && !json && isatty(STDERR_FILENO) != 0)

        // 1. Read and analyze every track, in parallel.
        let prepared: [Result<Prepared, Failure>] = parallelMap(tracks.count, jobs: jobs) { i in
            let t0 = ContinuousClock.now
            progress.set(i, "analyzing")
            do {
                let track = try Mix.load(tracks[i])
                let (audio, info) = (track.audio, track.info)
                let analysis: Analysis
                do { analysis = try Analyzer().analyze(audio) } catch let e as AnalysisError { throw Failure(message: "\(tracks[i]): \(e)") }
                let profile = ReferenceProfile.measure(audio, analysis: analysis, name: Self.stem(tracks[i]), span: reference.span)
                progress.set(i, "analyzed")
                return .success(Prepared(index: i, info: info, analysis: analysis, checklist: ChecklistRules.evaluate(analysis),
                                         profile: profile, seconds: seconds(ContinuousClock.now - t0)))
            } catch {
                return .failure(trackFailure(i, error, progress))
            }
        }
        let ok = prepared.compactMap { try? $0.get() }

        // 2. The album plan.
        let base = loudness.choice()
        var options = AlbumPlanner.Options(target: base)
        options.keepOffset = keepOffset
        options.maxOffsetLU = maxOffset
        options.eqAmount = albumEQ
        options.evenOut = evenOut
        options.output = OutputSettings(format: container.rawValue, bits: bits, sampleRateHz: nil, dither: true)
        options.reference = try reference.profile()
        options.matchAmounts = try reference.amounts()
        options.matchSpan = reference.span
        let planner = AlbumPlanner(options: options)
        let albumTracks = ok.map { AlbumPlanner.Track(name: Self.stem(tracks[$0.index]), analysis: $0.analysis, profile: $0.profile) }
        let loudness = planner.loudness(albumTracks)
        let trackOptions = planner.trackOptions(albumTracks)
        let tonalTarget = options.reference ?? AlbumPlanner.averageProfile(albumTracks)

        // 3. Master every track, in parallel.
        let format = AudioFileFormat(container, AudioFileFormat.Sample(rawValue: bits) ?? .int24)
        let mastered: [Result<(AlbumReport.Track, ReferenceProfile), Failure>] = parallelMap(ok.count, jobs: jobs) { k in
            let p = ok[k], i = p.index
            let t0 = ContinuousClock.now
            var line = AlbumReport.Track(name: Self.stem(tracks[i]), input: tracks[i], status: "failed")
            line.beforeLUFS = p.analysis.loudness.integratedLUFS
            line.targetLUFS = loudness[k].targetLUFS
            line.offsetLU = loudness[k].offsetLU
            line.loudnessReason = loudness[k].reason
            line.tonalDistanceBeforeDB = MatchDistances(p.profile, tonalTarget).tonalDB
            do {
                progress.set(i, "planning")
                let mix = try Mix.load(tracks[i])
                let plan = Planner(options: trackOptions[k]).plan(analysis: p.analysis, checklist: p.checklist, audio: mix.audio)
                var job = MasterJob(mix: mix, analysis: p.analysis, checklist: p.checklist, plan: plan,
                                    deliverable: Deliverable(path: outPaths[i], format: format), toolVersion: Headroom.version)
                job.existing = force ? .overwrite : .keep
                job.protecting = inputs
                let done = try job.run(progress: { s in
                    if let f = s.fraction { progress.set(i, s.step.rawValue, fraction: f) } else { progress.set(i, s.step.rawValue) }
                })
                let outcome = done.mastering
                let after = ReferenceProfile.measure(outcome.result.master, analysis: outcome.after, name: line.name,
                                                     ranges: p.profile.sections)
                line.status = "mastered"
                line.output = outPaths[i]
                line.afterLUFS = outcome.after.loudness.integratedLUFS
                line.truePeak8xDBTP = outcome.result.truePeak8xDBTP
                line.guardLimited = outcome.result.guardLimited
                line.tonalDistanceAfterDB = MatchDistances(after, tonalTarget).tonalDB
                line.seconds = p.seconds + seconds(ContinuousClock.now - t0)
                progress.set(i, "done")
                return .success((line, after))
            } catch {
                return .failure(trackFailure(i, error, progress))
            }
        }

        // 4. The album report.
        var lines: [AlbumReport.Track] = []
        var after: [ReferenceProfile] = []
        for (i, track) in tracks.enumerated() {
            switch prepared[i] {
            case .failure(let f):
                var line = AlbumReport.Track(name: Self.stem(track), input: track, status: "failed")
                line.error = f.message
                lines.append(line)
            case .success:
                let k = ok.firstIndex { $0.index == i }!
                switch mastered[k] {
                case .success(let (line, profile)):
                    lines.append(line); after.append(profile)
                case .failure(let f):
                    var line = AlbumReport.Track(name: Self.stem(track), input: track, status: "failed")
                    line.error = f.message
                    line.beforeLUFS = ok[k].analysis.loudness.integratedLUFS
                    lines.append(line)
                }
            }
        }
        let rule = "loudest track at \(NumberText.decimal(planner.baseLUFS)) LUFS\(options.reference != nil && options.matchAmounts.loudness > 0 ? " (towards the reference)" : ""); others keep \(Int((keepOffset * 100).rounded())) % of their loud-part distance to it, at most \(NumberText.decimal(maxOffset)) LU under; ceiling \(NumberText.decimal(base.ceilingDBTP)) dBTP for every track"
        let report = AlbumReport(target: base, rule: rule,
                                 tonalTargetName: options.reference.map { "the reference \($0.name)" } ?? "the album average, matched by \(Int((albumEQ * 100).rounded())) %",
                                 tracks: lines, profilesBefore: ok.map(\.profile), profilesAfter: after, ceilingDBTP: base.ceilingDBTP,
                                 wallSeconds: seconds(ContinuousClock.now - start), jobs: jobs)
        let encoder = ReportJSON.encoder()
        let data = try encoder.encode(report)
        // Written like every other output: whole or not at all, a regular file only, kept unless --force.
        try ReportJob.write(String(decoding: data, as: UTF8.self) + "\n", to: albumPath, existing: force ? .overwrite : .keep,
                            protecting: inputs)
        try jsonOutput.write(data, force: force, protecting: inputs)
        if json {
            print(String(decoding: data, as: UTF8.self))
        } else if !quiet {
            print(AlbumTextReport.render(report))
            print("wrote \(lines.filter { $0.status == "mastered" }.count) masters and their sessions to \(folder), and \(albumPath)")
        }
        let failed = lines.filter { $0.status != "mastered" }
        if !failed.isEmpty {
            for f in failed { note("headroom: \(f.error ?? f.name)") }
            throw ExitCode(1)
        }
        let open = lines.filter { $0.guardLimited == true || ($0.truePeak8xDBTP ?? -100) > base.ceilingDBTP + 1e-6 }
        if !open.isEmpty {
            for t in open { note("headroom: \(t.name): a check is still open (the limiting guard stopped it short of its target, or the ceiling was missed)") }
            throw ExitCode(Headroom.checksOpenExitCode)
        }
    }

    /// Marks track `i` failed and phrases its error.
    func trackFailure(_ i: Int, _ error: Error, _ progress: TrackProgress) -> Failure {
        progress.set(i, "failed")
        if let e = error as? JobError { return Failure(message: e.message) }
        return error as? Failure ?? Failure(message: "\(tracks[i]): \(error)")
    }
}


/// One progress bar per track on a terminal, redrawn in place:
/// `  02 ballad   [##########..........]  52 %  rendering`.
final class TrackProgress: @unchecked Sendable {
    let names: [String]
    let enabled: Bool
    private var states: [String]
    private var done: [Double]
    private var drawn = false
    private let lock = NSLock()
    private let trace = ProcessInfo.processInfo.environment["HEADROOM_TRACE"] != nil
    private let start = ContinuousClock.now

    /// Where each step sits on a track's bar; rendering fills the span from 0.3 to 0.85 by its fraction.
    static let steps: [String: Double] = [
        "waiting": 0, "analyzing": 0.05, "analyzed": 0.2, "planning": 0.25, "rendering": 0.3, "checking codecs": 0.86,
        "writing": 0.92, "done": 1, "failed": 1,
    ]

    init(names: [String], enabled: Bool) {
        self.names = names; self.enabled = enabled
        states = Array(repeating: "waiting", count: names.count)
        done = Array(repeating: 0, count: names.count)
    }

    func set(_ i: Int, _ state: String, fraction: Double? = nil) {
        if trace && fraction == nil {
            FileHandle.standardError.write(Data("trace: \(String(format: "%6.2f", seconds(ContinuousClock.now - start))) s \(names[i]) \(state)\n".utf8))
        }
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        states[i] = state
        let base = Self.steps[state] ?? done[i]
        // Never backwards: a bar that went down would read as lost work.
        done[i] = max(done[i], fraction.map { 0.3 + 0.55 * min(1, max(0, $0)) } ?? base)
        var text = drawn ? "\u{1B}[\(names.count)A" : ""
        let width = min(32, names.map(\.count).max() ?? 10)
        for (k, n) in names.enumerated() {
            let filled = Int((done[k] * 20).rounded())
            let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
            let name = String(n.prefix(width))
            text += "\r\u{1B}[K  " + name + String(repeating: " ", count: width - name.count + 2) + bar
                + String(format: " %3.0f %%  ", done[k] * 100) + states[k] + "\n"
        }
        drawn = true
        FileHandle.standardError.write(Data(text.utf8))
    }
}
