import ArgumentParser
import Foundation
import HeadroomSession
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomReport
import HeadroomSignals

/// `headroom analyze`: measure a mix and print its checklist.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a mix (levels, loudness, stereo, tone, sections) and write its checklist.",
        discussion: """
        Without MIX, analyzes Headroom's own demo mix (synthesized, 98 s). Reads WAV, AIFF, FLAC, \
        Ogg Vorbis, Opus and MP3; mono or stereo; 8 kHz to 384 kHz.
        """)

    @Argument(help: "The printed mix to analyze (omit to use the demo mix).")
    var mix: String?

    @OptionGroup var jsonOutput: JSONOptions

    @Option(name: .long, help: "Output on the terminal: text, json or markdown (--json is --format json).")
    var format: Format = .text

    @Flag(help: "Replace an existing --json-file.")
    var force = false

    @Flag(name: .shortAndLong, help: "No progress messages.")
    var quiet = false

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    func validate() throws {
        try jsonOutput.validate(inputs: mix.map { [$0] } ?? [])
    }

    func run() throws {
        // Read and measured block by block: a concert recording costs no more memory than a song.
        let started = ContinuousClock.now
        var shown = false, percent = -1
        let (analysis, input) = try Mix.analyze(path: mix) { fraction in
            // Progress once a long file shows it will take a while, redrawn when the percentage moves.
            guard !quiet, isatty(STDERR_FILENO) != 0, started.duration(to: .now) > .seconds(1) || shown,
                  Int(fraction * 100) != percent else { return }
            shown = true
            percent = Int(fraction * 100)
            FileHandle.standardError.write(Data(String(format: "\ranalyzing %3d%%", percent).utf8))
        }
        if shown { FileHandle.standardError.write(Data("\r".utf8)) }
        let durationSeconds = analysis.durationSeconds
        let report = AnalysisReport(toolVersion: Headroom.version, input: input, analysis: analysis,
                                    checklist: ChecklistRules.evaluate(analysis))
        try jsonOutput.write(try report.jsonData(), force: force, protecting: mix.map { [$0] } ?? [])
        let format = jsonOutput.json ? .json : self.format
        switch format {
        case .text: print(TextReport.render(report), terminator: "")
        case .json: print(String(decoding: try report.jsonData(), as: UTF8.self))
        case .markdown: print(MarkdownReport.render(report), terminator: "")
        }
        fflush(nil)
        if !quiet && format == .text {
            let elapsed = started.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            note(String(format: "analysis of %.1f s of audio took %.2f s (%.0fx realtime)", durationSeconds, seconds,
                        durationSeconds / max(seconds, 1e-6)))
        }
    }

}
