import ArgumentParser
import Foundation
import HeadroomIO
import HeadroomSession

/// The `headroom` command: analyzes (and, in later versions, masters) printed stereo mixes.
struct Headroom: ParsableCommand {
    static let version = "0.3.0"
    /// Exit code when the outputs were written but a check is still open (target or ceiling missed, codec overs).
    static let checksOpenExitCode: Int32 = 3
    static let configuration = CommandConfiguration(
        commandName: "headroom",
        abstract: "Masters a printed stereo mix: listens first, writes the session's checklist, explains every move, checks every item off.",
        discussion: """
        Start with `headroom analyze song.wav`, then `headroom master song.wav`.
        Exit codes: 0 success; 3 written, but a check is still open (master, album: a target or ceiling missed; \
        check: codec overs); \
        1 a file could not be read, analyzed or written (the reason is printed, one line); 2 usage error.
        Headroom never modifies its input and writes its outputs atomically.
        """,
        version: version,
        subcommands: [Analyze.self, Master.self, Album.self, Check.self, Report.self, StudioLauncher.self, DemoMix.self],
        defaultSubcommand: Analyze.self)
}

@main
enum Main {
    static func main() {
        TemporaryFiles.installSignalCleanup()
        do {
            var command = try Headroom.parseAsRoot()
            try command.run()
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("headroom: \(failure.message)\n".utf8))
            exit(1)
        } catch let error as JobError {
            FileHandle.standardError.write(Data("headroom: \(error.message)\n".utf8))
            exit(error.kind == .usage ? 2 : error.kind == .cancelled ? 130 : 1)
        } catch {
            let code = Headroom.exitCode(for: error)
            if code == .success || code == .failure || error is ExitCode {
                Headroom.exit(withError: error)
            }
            // Usage errors: one line with Headroom's prefix, then where to find help; exit code 2.
            let message = Headroom.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            FileHandle.standardError.write(Data("headroom: \(message) (see headroom --help)\n".utf8))
            exit(2)
        }
    }
}

/// A failure already phrased for the user (one line, naming the file).
struct Failure: Error {
    let message: String
}

/// Writes to standard error.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
