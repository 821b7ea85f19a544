import ArgumentParser
import Foundation
import HeadroomSession
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomReport
import HeadroomTranslation

/// `headroom check`: how a mix or master translates to speakers, platforms and codecs.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check how a mix or master translates: speaker models, mono, platform normalization, lossy codecs.",
        discussion: """
        Speaker models: \(SpeakerModel.all.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).
        Codecs: MP3, Ogg Vorbis and Ogg Opus through libsndfile at its default quality, decoded again and \
        measured (true peak 4x, clipped samples). --previews DIR writes each speaker model as a 24-bit WAV \
        (NAME.phone.wav, ...) to listen to, all of them or none. The file is read block by block: memory does not \
        grow with its length. The input is never modified.

        Exit codes: 0 done, 1 failure (the message says why; nothing is left half-written), 2 usage error, \
        3 a codec's decoding goes over −0.1 dBTP (see CODECS).
        """)

    @Argument(help: "The mix or master to check (omit to check the demo mix).")
    var file: String?

    @Option(help: ArgumentHelp("Write each speaker model's rendering here (the folder is created).", valueName: "DIR"))
    var previews: String?

    @Option(help: "Codecs to check: any of mp3, vorbis, opus, comma-separated, or none.")
    var codecs: String = "mp3,vorbis,opus"

    @Flag(help: "Replace existing preview files and the --json-file.")
    var force = false

    @OptionGroup var jsonOutput: JSONOptions
    var json: Bool { jsonOutput.json }

    @Flag(name: .shortAndLong, help: "No progress messages.")
    var quiet = false

    func codecList() throws -> [LossyRoundTrip.Codec] { try Self.parseCodecs(codecs) }

    static func parseCodecs(_ codecs: String) throws -> [LossyRoundTrip.Codec] { try usage { try CodecChecks.parse(codecs) } }

    func validate() throws {
        _ = try codecList()
        if let previews, previews.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--previews needs a folder") }
        if let f = jsonOutput.jsonFile, f.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--json-file needs a file name") }
        try jsonOutput.validate(inputs: file.map { [$0] } ?? [])
        if let previews, let file, AudioFileWriter.sameFile(previews, file) {
            throw ValidationError("--previews must be a folder, not the input file")
        }
    }

    func run() throws {
        let progress = Progress(enabled: !quiet && !json && isatty(STDERR_FILENO) != 0)
        let stem = Mix.stem(forPath: file)
        let previewPaths = previews.map { dir in SpeakerModel.all.map { (dir as NSString).appendingPathComponent("\(stem).\($0.name).wav") } } ?? []
        let list = try codecList()
        let job = CheckJob(path: file, codecs: list, previewPaths: previewPaths, existing: force ? .overwrite : .keep)
        // Every output is checked before any work (a folder for the previews is made now).
        try job.checkOutputs(also: jsonOutput.jsonFile.map { [$0] } ?? [])
        let outcome = try job.run { step in
            switch step {
            case .analyzing: progress.say("analyzing")
            case .codecs: progress.say("encoding and decoding \(list.map(\.displayName).joined(separator: ", "))")
            case .previews: progress.say("writing the previews")
            }
        }
        let (report, analysis, info) = (outcome.report, outcome.analysis, outcome.info)
        progress.done()
        let data = try ReportJSON.encoder().encode(report)
        try jsonOutput.write(data, force: force, protecting: file.map { [$0] } ?? [])
        if json {
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("Headroom check — \(info.path)")
            print("integrated \(NumberText.decimal(analysis.loudness.integratedLUFS)) LUFS   true peak \(NumberText.decimal(analysis.levels.truePeakDBTP, digits: 2)) dBTP   loudness range \(NumberText.decimal(analysis.loudness.loudnessRangeLU)) LU\n")
            print(TranslationTextReport.render(report), terminator: "")
            if let previews { print("\nwrote \(previewPaths.count) previews to \(previews)") }
        }
        // A codec that adds overs is a check still open: exit 3, so a script sees it.
        let overs = report.codecs.filter(\.overs)
        if !overs.isEmpty {
            note("headroom: \(overs.map(\.codec).joined(separator: ", ")) decoding goes over \(NumberText.decimal(Translation.codecOverDBTP)) dBTP: see \(json ? "\"codecs\" in the JSON" : "CODECS")")
            throw ExitCode(Headroom.checksOpenExitCode)
        }
    }
}
