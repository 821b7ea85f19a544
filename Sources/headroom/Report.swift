import ArgumentParser
import Foundation
import HeadroomIO
import HeadroomReport
import HeadroomSession

/// `headroom report`: one self-contained HTML page of a session, to send to a bandmate.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a session's report as one self-contained HTML page (plots, numbers, plan, checklist, translation).",
        discussion: "Reads SESSION, its mix (from the session, or --mix) and its master (the file beside the session, or --master), analyzes both again and writes NAME.report.html beside the session (or -o). The page loads nothing from anywhere: it opens offline.")

    @Argument(help: "The session (OUT.headroom.json, beside its master OUT).")
    var session: String

    @Option(name: [.short, .customLong("output")], help: "The page's path (default: beside the session, NAME.report.html).")
    var output: String?

    @Option(help: "The mix, when it is no longer where the session says.")
    var mix: String?

    @Option(help: "The master (default: the audio file beside the session).")
    var master: String?

    @Flag(help: "Replace an existing page.")
    var force = false

    func validate() throws {
        if let output, !output.lowercased().hasSuffix(".html") { throw ValidationError("-o \(output): the report is an .html page") }
    }

    func run() throws {
        let path = output ?? ReportJob.defaultOutput(session: session)
        let existing: AudioFileWriter.ExistingFile = force ? .overwrite : .keep
        let protecting = [session] + [mix, master].compactMap { $0 }
        try ReportJob.checkOutput(path, existing: existing, protecting: protecting)
        let input = try ReportJob.input(sessionPath: session, mixPath: mix, masterPath: master)
        if master == nil && ReportJob.masterBeside(session: session) == nil {
            note("headroom: no master beside the session (\(ReportJob.masterPath(session: session))): the page shows the mix alone; give it with --master")
        }
        try ReportJob.write(HTMLReport.render(input), to: path, existing: existing, protecting: protecting)
        print("wrote \(path)")
    }
}
