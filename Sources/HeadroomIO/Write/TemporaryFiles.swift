import Dispatch
import Foundation

/// The temporary files this process is writing (`.NAME.partial-PID` beside each target). They are
/// removed when a write fails, when SIGINT, SIGTERM or SIGHUP arrives (after `installSignalCleanup`), and
/// a later run removes the ones a killed run (SIGKILL) left behind (`removeStale`).
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// The temporary name for `target`, owned by this process.
    public static func name(for target: String) -> String {
        let url = URL(fileURLWithPath: target)
        return url.deletingLastPathComponent().appendingPathComponent(prefix(for: url.lastPathComponent) + "\(getpid())").path
    }

    static func prefix(for fileName: String) -> String { ".\(fileName).partial-" }

    static func register(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }

    /// Removes the file and forgets it.
    static func discard(_ path: String) {
        lock.lock(); paths.remove(path); lock.unlock()
        unlink(path)
    }

    /// Forgets a file that was renamed into place.
    static func committed(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Removes every temporary file still registered (on a signal, or at exit after a failure).
    public static func removeAll() {
        lock.lock(); let all = paths; paths.removeAll(); lock.unlock()
        for p in all { unlink(p) }
    }

    /// On SIGINT, SIGTERM and SIGHUP: remove the temporaries, then exit with 128 + the signal number.
    /// A signal already ignored when the program starts (`nohup`) stays ignored. Call once, early, from an
    /// executable.
    public static func installSignalCleanup() {
        lock.lock(); defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            let previous = signal(sig, SIG_IGN)
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                // A commit under way finishes first: the files of one deliverable land together.
                commitLock.lock()
                removeAll()
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Held while a transaction renames its files into place; the signal clean-up waits for it.
    static let commitLock = NSLock()

    /// Runs `body` (the renames of a commit) with the signal clean-up held off until it returns.
    static func committing<T>(_ body: () throws -> T) rethrows -> T {
        commitLock.lock(); defer { commitLock.unlock() }
        return try body()
    }

    /// Removes the temporaries for `target` left by processes that no longer run (a run killed with
    /// SIGKILL, or a power cut). Another live run's temporaries are left alone.
    public static func removeStale(for target: String) {
        let url = URL(fileURLWithPath: target)
        removeFilesOfEndedProcesses(in: url.deletingLastPathComponent().path, prefix: prefix(for: url.lastPathComponent)) { Int32($0) }
    }

    /// Removes the files in `folder` named `prefix` + something from which `pid` reads the process that made
    /// them, when that process no longer runs (this one's and live ones' are left alone).
    static func removeFilesOfEndedProcesses(in folder: String, prefix: String, pid: (Substring) -> Int32?) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let owner = pid(name.dropFirst(prefix.count)), owner != getpid() else { continue }
            if kill(owner, 0) != 0 && errno == ESRCH { unlink((folder as NSString).appendingPathComponent(name)) }
        }
    }
}
