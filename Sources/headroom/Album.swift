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
        DIR/NAME.master.wav and its session DIR/NAME.master.wav.headroom.json per track and DIR/album.headroom.json; \
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

    @Option(name: .customLong("even-out"), help: "Section even-out within each track, 0...1 (0 keeps each song's shape).")
    var evenOut: Double = Planner.defaultEvenOut

    @OptionGroup var reference: ReferenceOptions

    @Option(help: "Tracks mastered at once (the default is the number of cores).")
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

    func run() throws {
        let folder = output ?? {
            let first = (tracks[0] as NSString).deletingLastPathComponent
            return (first.isEmpty ? "" : first + "/") + "masters"
        }()
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw Failure(message: "\(folder): cannot create the output folder (\(error.localizedDescription))")
        }
        let container: AudioFileFormat.Container = format == "flac" ? .flac : .wav
        let albumPath = (folder as NSString).appendingPathComponent("album.headroom.json")
        if !force && FileManager.default.fileExists(atPath: albumPath) {
            throw Failure(message: "\(albumPath): already exists (kept; use --force to replace the album's outputs)")
        }
        let names = tracks.map(Self.stem)
        let progress = TrackProgress(names: names, enabled: !quiet && !json && isatty(STDERR_FILENO) != 0)

        var options = AlbumPlanner.Options(target: loudness.choice())
        options.keepOffset = keepOffset
        options.maxOffsetLU = maxOffset
        options.eqAmount = albumEQ
        options.evenOut = evenOut
        options.output = OutputSettings(format: container.rawValue, bits: bits, sampleRateHz: nil, dither: true)
        options.reference = try reference.profile()
        options.matchAmounts = try reference.amounts(explicitTarget: loudness.target != nil || loudness.lufs != nil)
        options.matchSpan = reference.span
        let albumTracks = tracks.indices.map { i in
            AlbumJob.Track(path: tracks[i], name: names[i],
                           output: (folder as NSString).appendingPathComponent(names[i] + ".master." + container.rawValue))
        }
        var job = AlbumJob(tracks: albumTracks, options: options,
                           format: AudioFileFormat(container, AudioFileFormat.Sample(rawValue: bits) ?? .int24), toolVersion: Headroom.version)
        job.reportPath = albumPath
        job.existing = force ? .overwrite : .keep
        job.protecting = reference.references
        job.jobs = jobs
        let report = try job.run(progress: { p in progress.set(p.track, p.step, fraction: p.fraction) })

        let data = try ReportJSON.encoder().encode(report)
        try jsonOutput.write(data, force: force, protecting: tracks + reference.references)
        if json {
            print(String(decoding: data, as: UTF8.self))
        } else if !quiet {
            print(AlbumTextReport.render(report))
            print("wrote \(report.tracks.filter { $0.status == "mastered" }.count) masters and their sessions to \(folder), and \(albumPath)")
        }
        let failed = report.tracks.filter { $0.status != "mastered" }
        if !failed.isEmpty {
            for f in failed { note("headroom: \(f.error ?? f.name)") }
            throw ExitCode(1)
        }
        let open = AlbumJob.checksOpen(report)
        if !open.isEmpty {
            for t in open { note("headroom: \(t.name): a check is still open (the limiting guard stopped it short of its target, or the ceiling was missed)") }
            throw ExitCode(Headroom.checksOpenExitCode)
        }
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
    private let trace = TraceClock.enabled
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
