import ArgumentParser
import Foundation
import HeadroomStudio

/// `headroom-studio` (also started by `headroom studio`): the local web studio.
struct StudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headroom-studio",
        abstract: "Headroom Studio: a local web page to see the song, hear mix and master at matched loudness, take timestamped notes and re-render.")

    @Option(help: "Port (0: any free port).")
    var port: Int = 8800

    @Option(help: "Address to listen on. Anything but loopback makes the library reachable from the network.")
    var host: String = "127.0.0.1"

    @Option(help: "The library folder (songs, renders, the database).")
    var library: String = StudioCommand.defaultLibrary

    @Option(name: .customLong("max-upload-mb"), help: "Largest upload taken, in MiB.")
    var maxUploadMB: Int = 2048

    static var defaultLibrary: String {
        let env = ProcessInfo.processInfo.environment
        #if os(macOS)
        return (env["HOME"] ?? ".") + "/Library/Application Support/Headroom Studio"
        #else
        return (env["XDG_DATA_HOME"] ?? ((env["HOME"] ?? ".") + "/.local/share")) + "/headroom-studio"
        #endif
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (1...65536).contains(maxUploadMB) else { throw ValidationError("--max-upload-mb must be between 1 and 65536") }
    }

    func run() async throws {
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            FileHandle.standardError.write(Data("headroom-studio: warning: listening on \(host): anyone who can reach this machine can read and change the library\n".utf8))
        }
        let store: Store
        do { store = try Store(folder: URL(fileURLWithPath: library)) } catch {
            FileHandle.standardError.write(Data("headroom-studio: \(library): cannot open the library (\(error))\n".utf8))
            throw ExitCode(1)
        }
        let studio = Studio(store: store, toolVersion: StudioVersion.version, maxUploadBytes: maxUploadMB << 20)
        let host = self.host
        let app = StudioServer.application(studio: studio, host: host, port: port) { actual in
            print("Headroom Studio: http://\(host.contains(":") ? "[\(host)]" : host):\(actual)/  (library: \(store.folder.path); Ctrl-C stops it)")
            fflush(nil)
        }
        try await app.runService()
    }
}

@main
enum Main {
    static func main() async {
        do {
            var command = try StudioCommand.parseAsRoot()
            if var async = command as? AsyncParsableCommand { try await async.run() } else { try command.run() }
        } catch {
            StudioCommand.exit(withError: error)
        }
    }
}
