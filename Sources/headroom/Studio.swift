import ArgumentParser
import Foundation

/// `headroom studio`: starts Headroom Studio (the `headroom-studio` program built beside this one), so the
/// command line does not carry the web server's dependencies.
struct StudioLauncher: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Start Headroom Studio, the local web page: see the song, A/B mix and master at matched loudness, take notes, re-render.",
        discussion: "Options are passed on to headroom-studio (--port, --host, --library, --max-upload-mb); see headroom-studio --help. Build it with `make studio`.")

    @Argument(parsing: .allUnrecognized, help: "Options for headroom-studio.")
    var options: [String] = []

    func run() throws {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let studio = me.deletingLastPathComponent().appendingPathComponent("headroom-studio").path
        guard FileManager.default.isExecutableFile(atPath: studio) else {
            throw Failure(message: "\(studio): not built; run `make studio` (or swift build -c release --product headroom-studio)")
        }
        let args = [studio] + options
        let cargs = args.map { strdup($0) } + [nil]
        execv(studio, cargs)
        throw Failure(message: "\(studio): cannot start (\(String(cString: strerror(errno))))")
    }
}
