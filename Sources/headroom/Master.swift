import ArgumentParser
import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomReport
import HeadroomSignals
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
        Writes MIX's folder/NAME.master.wav (or -o) and NAME.headroom.json (the session: plan, checklist, report). \
        Edit the session (notes, settings, "enabled": false) and re-render with --session. Without MIX, masters \
        the demo mix. The input is never modified; outputs are written atomically.
        """)

    @Argument(help: "The printed mix (omit to master the demo mix).")
    var mix: String?

    @Option(name: [.short, .customLong("output")], help: "The master's path (default: next to the mix, NAME.master.wav).")
    var output: String?

    @OptionGroup var loudness: LoudnessOptions

    @Option(name: .customLong("even-out"), help: "How far quieter sections are brought up towards the loudest: 0 keeps the song's section dynamics, 1 levels them.")
    var evenOut: Double = 0.4

    @Option(name: .customLong("max-limiting"), help: "Most loudness (LU) the limiter may take from the loudest section.")
    var maxLimiting: Double = 4

    @Option(help: "Output format: wav, flac or mp3 (default: from the output's extension, else wav).")
    var format: String?

    @Option(help: "Bits: 16, 24 or 32f (WAV only).")
    var bits: String = "24"

    @Option(name: .customLong("sample-rate"), help: "Output sample rate in Hz (libsoxr, very high quality).")
    var sampleRate: Double?

    @Flag(name: .customLong("no-dither"), help: "Round instead of adding TPDF dither at 16/24 bits.")
    var noDither = false

    @OptionGroup var reference: ReferenceOptions

    @Option(help: "Codecs to check the master with, on 15 s around the loudest section's highest peak: any of mp3, vorbis, opus, or none.")
    var codecs: String = "mp3,vorbis,opus"

    @Option(help: "Re-render from a session file (its plan and notes); other settings come from it.")
    var session: String?

    @Option(name: .customLong("pre-limiter"), help: "Also write the chain's output before the limiter to this file.")
    var preLimiter: String?

    @Flag(name: .customLong("dry-run"), help: "Print the plan, render nothing.")
    var dryRun = false

    @Flag(help: "Replace existing output files.")
    var force = false

    @Flag(name: .shortAndLong, help: "No progress or plan on the terminal.")
    var quiet = false

    @Flag(help: "Print the session (plan, checklist, report) as JSON on stdout.")
    var json = false

    func validate() throws {
        guard (0.0...1.0).contains(evenOut) else { throw ValidationError("--even-out must be between 0 and 1") }
        guard (0.0...20.0).contains(maxLimiting) else { throw ValidationError("--max-limiting must be between 0 and 20 LU") }
        guard ["16", "24", "32f"].contains(bits) else { throw ValidationError("--bits must be 16, 24 or 32f") }
        if let sampleRate, !AudioFileReader.supportedSampleRates.contains(sampleRate) {
            throw ValidationError("--sample-rate must be between 8000 and 384000")
        }
        _ = try Check.parseCodecs(codecs)
        if reference.span != .loud && references.isEmpty { throw ValidationError("--match-on needs --reference") }
        if session != nil && !references.isEmpty { throw ValidationError("--reference makes a new plan; it cannot be combined with --session") }
        let container = try outputContainer()
        if container == .flac && bits == "32f" { throw ValidationError("FLAC holds 16 or 24 bits, not 32f") }
        for path in [output, preLimiter, session].compactMap({ $0 }) {
            if let mix, AudioFileWriter.sameFile(path, mix) {
                throw ValidationError("\(path) is the input mix; Headroom never writes to its input")
            }
            if let ref = references.first(where: { AudioFileWriter.sameFile(path, $0) }) {
                throw ValidationError("\(path) is the reference \(ref); Headroom never writes to its inputs")
            }
        }
    }

    var references: [String] { reference.references }

    func outputContainer() throws -> AudioFileFormat.Container {
        if let format {
            guard let c = AudioFileFormat.Container(rawValue: format.lowercased()), [.wav, .flac, .mp3].contains(c) else {
                throw ValidationError("--format must be wav, flac or mp3")
            }
            return c
        }
        if let output, let c = AudioFileFormat.container(forPath: output), [.wav, .flac, .mp3].contains(c) { return c }
        return .wav
    }

    func run() throws {
        let container = try outputContainer()
        let (input, inputFile) = try loadMix(mix)
        let inputPath = inputFile.path
        let stem = mix.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? "headroom-demo"
        let folder = mix.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        let outPath = output ?? (folder.isEmpty ? "" : folder + "/") + stem + ".master." + container.rawValue
        let sessionPath = session ?? ((outPath as NSString).deletingLastPathComponent.isEmpty ? "" : (outPath as NSString).deletingLastPathComponent + "/") + stem + ".headroom.json"
        if let mix, AudioFileWriter.sameFile(outPath, mix) || AudioFileWriter.sameFile(sessionPath, mix) {
            throw Failure(message: "\(outPath): is the input mix; Headroom never writes to its input")
        }

        let progress = Progress(enabled: !quiet && !json && isatty(STDERR_FILENO) != 0)
        progress.say("analyzing")
        let analysis: Analysis
        do { analysis = try Analyzer().analyze(input) } catch let e as AnalysisError {
            throw Failure(message: "\(inputPath): \(e)")
        }
        var checklist = ChecklistRules.evaluate(analysis)

        var plan: MasteringPlan
        if let session {
            let loaded = try loadSession(session, input: input)
            plan = loaded.plan
            checklist = Session.carryNotes(from: loaded.checklist, to: checklist)
        } else {
            var options = Planner.Options(target: loudness.choice())
            options.evenOut = evenOut
            options.maxLimitingLU = maxLimiting
            options.reference = try reference.profile(say: { progress.say($0) })
            options.matchAmounts = try reference.amounts()
            options.matchSpan = reference.span
            options.output = OutputSettings(format: container.rawValue, bits: container == .wav || container == .flac ? bits : "24",
                                            sampleRateHz: sampleRate.flatMap { $0 == input.sampleRate ? nil : $0 },
                                            dither: !noDither)
            plan = Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: input)
        }

        if dryRun {
            if json {
                print(String(decoding: try Session(toolVersion: Headroom.version, input: inputFile, plan: plan,
                                                   checklist: checklist, report: nil).jsonData(), as: UTF8.self))
            } else {
                print(TextReport.checklist(checklist, analysis: analysis))
                print(MasterTextReport.plan(plan), terminator: "")
                print("(dry run: nothing rendered or written)")
            }
            return
        }

        // Refuse to overwrite before spending time on the render.
        let existing: AudioFileWriter.ExistingFile = force ? .overwrite : .keep
        for path in [outPath, preLimiter].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) && !force {
            throw Failure(message: "\(path): already exists (kept; use --force to replace it)")
        }
        if session == nil && FileManager.default.fileExists(atPath: sessionPath) && !force {
            throw Failure(message: "\(sessionPath): a session already exists (kept, it may hold your notes); re-render with --session \(sessionPath), or use --force")
        }

        if !quiet && !json { print(MasterTextReport.plan(plan)) }
        let format = AudioFileFormat(container, AudioFileFormat.Sample(rawValue: plan.output.bits) ?? .int24)
        let job = MasterJob(input: input, analysis: analysis, checklist: checklist, plan: plan, format: format,
                            existing: existing, protecting: (mix.map { [$0] } ?? []) + references)
        let outcome = try job.run(to: outPath, preLimiter: preLimiter, say: { progress.say($0) },
                                  fraction: { progress.fraction("rendering", $0) })
        let (result, after, verified, report) = (outcome.result, outcome.after, outcome.checklist, outcome.report)
        // Translation: speaker models and platforms from the master's analysis; codecs on an excerpt.
        progress.say("checking codecs")
        let checks = try Check.codecChecks(Self.codecExcerpt(result.master, loudest: result.plan.loudestSection),
                                           codecs: try Check.parseCodecs(codecs))
        let translation = Translation.evaluate(after, codecs: checks)
        let saved = Session(toolVersion: Headroom.version, input: inputFile, plan: result.plan, checklist: verified, report: report,
                            translation: translation)
        try writeText(String(decoding: try saved.jsonData(), as: UTF8.self) + "\n", to: sessionPath)
        progress.done()

        if json {
            print(String(decoding: try saved.jsonData(), as: UTF8.self))
        } else if !quiet {
            // The plan was printed before rendering; now the result.
            print(MasterTextReport.result(saved))
            print("TRANSLATION (codecs checked on 15 s around the loudest section's highest peak)")
            print(TranslationTextReport.render(translation))
            let dithered = plan.output.dither && format.sample != .float32 && container != .mp3 ? ", TPDF dither" : ""
            print("wrote \(outPath) (\(format)\(dithered))\(preLimiter.map { " and \($0)" } ?? "") and the session \(sessionPath)")
        }
        if !report.targetHit || !report.ceilingHeld {
            note("headroom: the master missed its \(report.targetHit ? "ceiling" : "target"): see the checklist")
        }
    }

    /// Seconds of the master the codecs are checked on (the full file: `headroom check`).
    static let codecExcerptSeconds = 15.0

    /// The excerpt the codec check encodes: `codecExcerptSeconds` of the loudest section, centred on its
    /// highest sample peak (where decoding overs appear first), so the check costs the same for any length.
    static func codecExcerpt(_ master: AudioBuffer, loudest: TimeRange) -> AudioBuffer {
        let sr = master.sampleRate
        let a = max(0, min(master.frameCount, Int(loudest.startSeconds * sr)))
        let b = max(a, min(master.frameCount, Int(loudest.endSeconds * sr)))
        var peakFrame = a, peak: Float = -1
        for c in master.channels { for i in a..<b where abs(c[i]) > peak { peak = abs(c[i]); peakFrame = i } }
        let half = Int(codecExcerptSeconds * sr / 2)
        let start = max(a, min(b - 2 * half, peakFrame - half)), end = min(b, max(a, start) + 2 * half)
        return master.slice(max(a, start)..<max(max(a, start), end))
    }

    func loadSession(_ path: String, input: AudioBuffer) throws -> Session {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Failure(message: "\(path): cannot read the session (\(error.localizedDescription))")
        }
        let session: Session
        do { session = try Session.decode(data) } catch {
            throw Failure(message: "\(path): not a Headroom session file (\(error))")
        }
        guard session.input.frameCount == input.frameCount, session.input.channelCount == input.channelCount,
              session.input.sampleRateHz == input.sampleRate else {
            throw Failure(message: "\(path): this session belongs to another file (\(session.input.path))")
        }
        return session
    }

}

/// Progress on stderr for a terminal: "rendering 45%".
final class Progress {
    let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled }
    func say(_ what: String) { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K\(what)…".utf8)) } }
    func fraction(_ what: String, _ f: Double) {
        if enabled { FileHandle.standardError.write(Data(String(format: "\r\u{1B}[K%@ %3.0f%%", what, f * 100).utf8)) }
    }
    func done() { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
}
