import ArgumentParser
import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomReport
import HeadroomSession
import HeadroomTranslation

/// `headroom master`: the section-aware chain, the true-peak limiter, the loudness target, and the
/// checklist measured again on the result.
struct Master: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Master a mix: set the chain up on the loudest section, hit a loudness target under a true-peak ceiling, and check every item off.",
        discussion: """
        Targets: \(LoudnessTarget.presetNames.map { name in
            let t = LoudnessTarget.presets[name]!
            return "\(name) (\(Int(t.integratedLUFS)) LUFS, \(t.ceilingDBTP) dBTP)"
        }.joined(separator: ", ")).
        Writes NAME.master.wav next to the mix (or -o OUT; the format follows the extension: wav, aiff, flac, \
        ogg, opus, mp3) and its session beside it, OUT.headroom.json (plan, checklist, report). Several targets (--target spotify,apple,loud) make one master each, NAME.spotify.wav, ..., \
        from one analysis. Edit a session (notes, settings, "enabled": false) and re-render with --session; \
        --target, --lufs, --ceiling and the output options apply to the re-render. Tags (title, artist, ...) \
        are carried from the mix; --tag KEY=VALUE sets one. The input is never modified; each master and its \
        session are written together or not at all; nothing is replaced without --force (regular files only).
        Exit codes: 0 written and every check passed; 3 written but a check is still open (target missed \
        because of the limiting guard, ceiling missed); 1 a file could not be read, analyzed or written; 2 usage.
        """)

    @Argument(help: "The printed mix (omit to master the demo mix; with --session, the session's own mix).")
    var mix: String?

    @Option(name: [.short, .customLong("output")], help: "The master's path (default: next to the mix, NAME.master.wav); its extension sets the format. With several targets, each gets the target's name before the extension.")
    var output: String?

    @OptionGroup var loudness: LoudnessOptions

    @Option(name: .customLong("even-out"), parsing: .unconditional, help: "How much of each section's distance under the loudest the master removes: 0 keeps the song's shape, 1 levels the sections (default 0).")
    var evenOut: Double?

    @Flag(inversion: .prefixedNo, help: "Level the sections into the chain and put the song's shape back after the limiter. --no-keep-shape: section gain alone, by --even-out.")
    var keepShape = true

    @Option(help: "Soft clipper before the limiter: auto (on for loud targets, −12 LUFS and up), on or off.")
    var clipper: ClipperChoice = .auto

    @Option(name: .customLong("max-limiting"), help: "Most loudness (LU) the limiter may take from the loudest section (default 4).")
    var maxLimiting: Double?

    @Option(help: "Output format: \(Deliverable.formatNames) (default: from the output's extension, else wav).")
    var format: String?

    @Option(help: "Bits: 16, 24 or 32f, for WAV, AIFF (16/24/32f) and FLAC (16/24); default 24. Lossy formats have none (MP3: see --bitrate).")
    var bits: String?

    @Option(help: ArgumentHelp("MP3 only: the constant bit rate in kbps (\(Deliverable.bitrateNames)); default 320.", valueName: "KBPS"))
    var bitrate: String?

    @Option(name: .customLong("sample-rate"), help: "Output sample rate (libsoxr, very high quality), e.g. 48000 or 48k.")
    var sampleRate: SampleRate?

    @Flag(name: .customLong("no-dither"), help: "Round instead of adding TPDF dither at 16/24 bits.")
    var noDither = false

    @Option(name: .customLong("tag"), help: ArgumentHelp("Set a tag in the master: title, artist, album, date, comment, genre, track, copyright (repeat for several); the mix's own tags are kept otherwise.", valueName: "KEY=VALUE"))
    var tags: [String] = []

    @OptionGroup var reference: ReferenceOptions

    @Option(help: "Codecs to check the master with, on \(CodecExcerpt.windowCount) short windows where encoders overshoot most: any of mp3, vorbis, opus, or none.")
    var codecs: String = "mp3,vorbis,opus"

    @Option(help: "Re-render from a session file (its plan, edits and notes).")
    var session: String?

    @Option(name: .customLong("pre-limiter"), help: "Also write the chain's output before the limiter to this file.")
    var preLimiter: String?

    @Option(name: .customLong("in-memory-mib"), parsing: .unconditional, help: ArgumentHelp("Hold a mix of up to this much decoded audio in memory (default \(Mix.heldInMemoryBytes >> 20), about 12 minutes of 44.1 kHz stereo); a longer WAV, AIFF or FLAC mix is read again from its file for every pass, at any output format and rate: memory that does not grow with its length (about 80 MB for an hour), for a little more time. An MP3, Ogg or Opus master of it is first rendered into a hidden float WAV beside it (disk space: about 21 MB a minute at 44.1 kHz). 0: always from the file.", valueName: "MIB"))
    var inMemoryMiB: Int?

    @Flag(name: .customLong("dry-run"), help: "Print the plan, render nothing.")
    var dryRun = false

    @Flag(help: "Replace existing output files (regular files only).")
    var force = false

    @Flag(name: .shortAndLong, help: "No progress or plan on the terminal.")
    var quiet = false

    @Flag(name: .long, help: "Say why for every move of the plan (\"because ...\").")
    var verbose = false

    @OptionGroup var jsonOutput: JSONOptions
    var json: Bool { jsonOutput.json }

    var references: [String] { reference.references }

    func validate() throws {
        if let evenOut, !(0.0...1.0).contains(evenOut) { throw ValidationError("--even-out must be between 0 and 1") }
        if let maxLimiting, !(0.0...20.0).contains(maxLimiting) { throw ValidationError("--max-limiting must be between 0 and 20 LU") }
        if let inMemoryMiB, !(0...(1 << 20)).contains(inMemoryMiB) {
            throw ValidationError("--in-memory-mib must be from 0 to 1048576 (MiB of decoded audio; 1048576 is 1 TiB)")
        }
        if let bits, !["16", "24", "32f"].contains(bits) { throw ValidationError("--bits must be 16, 24 or 32f") }
        if let sampleRate, !AudioFileReader.supportedSampleRates.contains(sampleRate.hertz) {
            throw ValidationError("--sample-rate must be between 8000 and 384000 Hz (or 8k to 384k)")
        }
        _ = try usage { try CodecChecks.parse(codecs) }
        _ = try usage { try parsedTags() }
        if reference.span != .loud && references.isEmpty { throw ValidationError("--match-on needs --reference") }
        if let mix, let ref = references.first(where: { AudioFileWriter.sameFile(mix, $0) }) {
            throw ValidationError("--reference \(ref) is the mix itself; match against a finished track you want this one to sound like")
        }
        try jsonOutput.validate(inputs: (mix.map { [$0] } ?? []) + references)
        let several = loudness.presetNames.count > 1
        if let session {
            if !references.isEmpty { throw ValidationError("--reference makes a new plan; it cannot be combined with --session") }
            if evenOut != nil || maxLimiting != nil || !keepShape || clipper != .auto {
                throw ValidationError("--even-out, --max-limiting, --no-keep-shape and --clipper make a new plan; with --session, edit the session's shape, sectionGain, softClip or maxLimitingLU instead")
            }
            if several { throw ValidationError("--session re-renders one master; give one --target") }
            if let mix, AudioFileWriter.sameFile(session, mix) { throw ValidationError("--session \(session) is the input mix") }
        }
        if several && preLimiter != nil { throw ValidationError("--pre-limiter goes with one target") }
        _ = try usage { try Deliverable.format(outputPath: output, formatName: format, bits: bits, bitrate: bitrate) }
        if let preLimiter, let output, AudioFileWriter.sameFile(preLimiter, output) || preLimiter == output {
            throw ValidationError("--pre-limiter and -o name the same file (\(output)); give the pre-limiter print its own path")
        }
        for path in [output, preLimiter].compactMap({ $0 }) {
            if let mix, AudioFileWriter.sameFile(path, mix) {
                throw ValidationError("\(path) is the input mix; Headroom never writes to its input")
            }
            if let ref = references.first(where: { AudioFileWriter.sameFile(path, $0) }) {
                throw ValidationError("\(path) is the reference \(ref); Headroom never writes to its inputs")
            }
        }
    }

    /// `--tag` values as tags.
    func parsedTags() throws -> AudioTags {
        var out = AudioTags()
        for t in tags {
            guard let eq = t.firstIndex(of: "="), let key = AudioTags.Key(name: String(t[..<eq])) else {
                throw JobError.usage("--tag \(t): use KEY=VALUE with a key of \(AudioTags.Key.allCases.map { $0 == .trackNumber ? "track" : $0.rawValue }.joined(separator: ", "))")
            }
            out[key] = String(t[t.index(after: eq)...])
        }
        return out
    }

    /// The output settings: the file's format, and what the options give; a session's own settings stay
    /// where no option was given.
    func outputSettings(_ format: AudioFileFormat, base: OutputSettings?, mixRate: Double) -> OutputSettings {
        var o = base ?? OutputSettings()
        o.format = format.container.rawValue
        if bits != nil || base == nil || format.container == .flac && o.bits == "32f" {
            o.bits = format.isLossy ? "24" : format.sample.rawValue
        }
        if let sampleRate { o.sampleRateHz = sampleRate.hertz == mixRate ? nil : sampleRate.hertz }
        if noDither { o.dither = false }
        if format.container != .mp3 { o.bitrateKbps = nil } else if let kbps = format.bitrateKbps { o.bitrateKbps = kbps }
        // MP3 holds at most 48 kHz and Opus runs at 48 kHz: a high-rate mix is resampled for them.
        let codec: LossyRoundTrip.Codec? = format.container == .mp3 ? .mp3 : format.container == .opus ? .opus : nil
        if let codec {
            let rate = o.sampleRateHz ?? mixRate, encodable = LossyRoundTrip.encodableRate(rate, codec: codec)
            if encodable != rate { o.sampleRateHz = encodable }
        }
        return o
    }

    /// The deliverables: one per target.
    func deliverables(mixPath: String?, targets: [LoudnessTarget]) throws -> [Deliverable] {
        let fmt = try Deliverable.format(outputPath: output, formatName: format, bits: bits, bitrate: bitrate)
        let stem = Mix.stem(forPath: mixPath)
        if targets.count == 1 {
            let path = output ?? Deliverable.defaultPath(stem: stem, mixPath: mixPath, label: "master", container: fmt.container)
            return [Deliverable(path: path, format: fmt, preLimiterPath: preLimiter)]
        }
        return loudness.presetNames.map { name in
            let path = output.map { Deliverable.labelled($0, name) }
                ?? Deliverable.defaultPath(stem: stem, mixPath: mixPath, label: name, container: fmt.container)
            return Deliverable(path: path, format: fmt)
        }
    }

    func run() throws {
        let progress = Progress(enabled: !quiet && !json && isatty(STDERR_FILENO) != 0)
        guard let jobs = try makeJobs(progress) else { return }
        try render(jobs, progress)
    }

    /// Reads and analyzes the mix, plans, and makes a job per deliverable (nil after a dry run). The jobs
    /// hold the only references to the mix's audio once this returns.
    func makeJobs(_ progress: Progress) throws -> [MasterJob]? {
        // With a session and no mix: the mix the session was made from, not the demo.
        progress.say("analyzing")
        let trace = TraceClock()
        let mixPath = try mix ?? session.flatMap { try SessionFile.mixToRender(forSession: $0) }
        let targets = loudness.choices()
        let deliverables = try deliverables(mixPath: mixPath, targets: targets)
        // Outputs that would be refused are refused now, before a long file is read.
        if !dryRun {
            let early = OutputTransaction(existing: force ? .overwrite : .keep, protecting: (mixPath.map { [$0] } ?? []) + references,
                                          createFolders: true)
            do { try early.checkAll(deliverables.flatMap(\.paths)) } catch let e as AudioFileError { throw JobError(.failure, e.description) }
        }
        // A long mix is read from its file for every pass instead of held in memory (not with a reference,
        // which measures the mix whole, nor for a pre-limiter print, which is written from the kept chain).
        let long = references.isEmpty && preLimiter == nil ? try mixPath.flatMap { try Mix.analyzedFromFile($0, limitBytes: inMemoryMiB.map { $0 << 20 } ?? Mix.heldInMemoryBytes) } : nil
        let (mix, analysis) = try long ?? Mix.loadAnalyzed(mixPath)
        trace.lap("read and analyzed")
        var checklist = ChecklistRules.evaluate(analysis)
        var plans: [MasteringPlan]
        if let session {
            let loaded = try SessionFile.load(session, for: mix)
            var plan = loaded.plan
            let output = outputSettings(deliverables[0].format, base: plan.output, mixRate: mix.info.sampleRateHz)
            PlanOverrides(target: loudness.given ? targets[0] : nil, output: output).apply(to: &plan)
            SessionEdits.describe(&plan)
            checklist = Session.carryNotes(from: loaded.checklist, to: checklist)
            plans = [plan]
        } else {
            var options = Planner.Options(target: targets[0])
            options.evenOut = evenOut ?? options.evenOut
            options.keepShape = keepShape
            options.softClip = clipper.requested
            options.maxLimitingLU = maxLimiting ?? options.maxLimitingLU
            options.reference = try reference.profile(say: { progress.say($0) })
            options.matchAmounts = try reference.amounts(explicitTarget: loudness.target != nil || loudness.lufs != nil)
            options.matchSpan = reference.span
            options.output = outputSettings(deliverables[0].format, base: nil, mixRate: mix.info.sampleRateHz)
            plans = targets.map { target in
                var o = options
                o.target = target
                let planner = Planner(options: o)
                return mix.file.map { planner.plan(analysis: analysis, checklist: checklist, source: $0) }
                    ?? planner.plan(analysis: analysis, checklist: checklist, audio: mix.audio)
            }
        }

        if dryRun {
            if json {
                let sessions = try plans.map { try Session(toolVersion: Headroom.version, input: mix.info, plan: $0, checklist: checklist, report: nil).jsonData() }
                printJSON(sessions)
            } else {
                print(TextLayout.wrap(TextReport.checklist(checklist, analysis: analysis)))
                for plan in plans { print(TextLayout.wrap(MasterTextReport.plan(plan, verbose: true))) }
                print("(dry run: nothing rendered or written)")
            }
            return nil
        }

        var jobs = zip(plans, deliverables).map { plan, d in
            // The word length and bit rate the plan settled on (a session's, unless --bits or --bitrate was given).
            let deliverable = d.settled(by: plan.output)
            var job = MasterJob(mix: mix, analysis: analysis, checklist: checklist, plan: plan, deliverable: deliverable,
                                toolVersion: Headroom.version)
            job.codecs = (try? CodecChecks.parse(codecs)) ?? []
            job.existing = force ? .overwrite : .keep
            job.protecting += references
            job.tagOverrides = (try? parsedTags()) ?? AudioTags()
            return job
        }
        // A session's reference match cannot be rendered from the file: it needs the mix in memory after all.
        if mix.file != nil && !jobs.allSatisfy(\.streams) {
            let held = try Mix.load(mixPath)
            for k in jobs.indices { jobs[k].mix = held }
        }
        // Refuse before spending time on any render.
        for job in jobs { try job.checkOutputs() }
        return jobs
    }

    /// Runs the jobs in order, each handed over whole and holding the only reference to the mix's audio (the
    /// first read of it, or the file read again: `MasterJob.shareOneMix`), so a streamed render works in
    /// that memory.
    func render(_ jobs: consuming [MasterJob], _ progress: Progress) throws {
        let deliverables = jobs.map(\.deliverable)
        var pending = consume jobs
        let receipt = MasterJob.shareOneMix(&pending)
        var outcomes: [MasterJob.Outcome] = []
        while !pending.isEmpty {
            var job = pending.removeFirst()
            try job.takeTurn(receipt)
            let (deliverable, plan) = (job.deliverable, job.plan)
            if !quiet && !json {
                progress.done()
                print(TextLayout.wrap(MasterTextReport.plan(plan, verbose: verbose)))
            }
            let outcome = try (consume job).run(progress: { p in
                if let f = p.fraction { progress.fraction(p.step.rawValue, f) } else { progress.say(p.step.rawValue) }
            })
            progress.done()
            outcomes.append(outcome)
            if !quiet && !json { printResult(outcome, deliverable: deliverable, plan: plan) }
        }
        let sessions = try outcomes.map { try $0.session.jsonData() }
        try jsonOutput.write(Data(joinJSON(sessions).utf8), force: force, protecting: (self.mix.map { [$0] } ?? []) + references)
        if json { printJSON(sessions) }
        if outcomes.count > 1 && !quiet && !json { print(summary(outcomes, deliverables)) }
        let open = outcomes.filter { !$0.allChecksPassed }
        if !open.isEmpty {
            for o in open {
                note("headroom: the \(o.session.plan.target.name) master missed its \(o.mastering.report.targetHit ? "ceiling" : "target"): see the checklist")
            }
            throw ExitCode(Headroom.checksOpenExitCode)
        }
    }

    func printJSON(_ sessions: [Data]) { print(joinJSON(sessions)) }

    /// One session as it is; several as a JSON array.
    func joinJSON(_ sessions: [Data]) -> String {
        let texts = sessions.map { String(decoding: $0, as: UTF8.self) }
        return texts.count == 1 ? texts[0] : "[\n" + texts.joined(separator: ",\n") + "\n]"
    }

    func printResult(_ outcome: MasterJob.Outcome, deliverable: Deliverable, plan: MasteringPlan) {
        let format = deliverable.format
        print(TextLayout.wrap(MasterTextReport.result(outcome.session)))
        print("TRANSLATION (codecs checked on \(CodecExcerpt.windowCount) windows where encoders overshoot most)")
        print(TextLayout.wrap(verbose ? TranslationTextReport.render(outcome.translation) : TranslationTextReport.summary(outcome.translation)))
        let dithered = plan.output.dither && format.sample != .float32 && !format.isLossy ? ", TPDF dither" : ""
        print("")
        print("wrote \(deliverable.path) (\(format)\(dithered))\(deliverable.preLimiterPath.map { " and \($0)" } ?? "") and the session \(deliverable.sessionPath)")
    }

    /// One line per deliverable, after several targets.
    func summary(_ outcomes: [MasterJob.Outcome], _ deliverables: [Deliverable]) -> String {
        var lines = ["SUMMARY (one analysis, \(outcomes.count) masters)",
                     "  target              LUFS   true peak   LRA   verdict   file"]
        for (o, d) in zip(outcomes, deliverables) {
            let r = o.mastering.report
            lines.append("  " + o.session.plan.target.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                         + String(format: "%8.1f %9.2f %7.1f   ", r.after.integratedLUFS, r.truePeak8xDBTP, r.after.loudnessRangeLU)
                         + (o.allChecksPassed ? "✓" : "✗ open").padding(toLength: 10, withPad: " ", startingAt: 0) + d.path)
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs `body`, turning a usage `JobError` into ArgumentParser's validation error (exit code 2).
func usage<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as JobError where e.kind == .usage { throw ValidationError(e.message) }
}

/// Progress on stderr for a terminal: "rendering 45%", written only when what it shows changes (a long
/// render reports the same percentage many times).
final class Progress: @unchecked Sendable {
    let enabled: Bool
    private var shown = ""
    private let lock = NSLock()
    init(enabled: Bool) { self.enabled = enabled }
    func say(_ what: String) { show("\(what)…") }
    func fraction(_ what: String, _ f: Double) { show(String(format: "%@ %3.0f%%", what, f * 100)) }
    func done() { show("") }

    private func show(_ line: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        guard line != shown else { return }
        shown = line
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }
}

/// `--clipper`: the soft clipper before the limiter.
enum ClipperChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, on, off
    /// What the planner is told: nil lets the target decide.
    var requested: Bool? { self == .auto ? nil : self == .on }
}
