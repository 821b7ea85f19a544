import Foundation

/// HEADROOM_TRACE=1 prints where a job's time goes (stderr), for benchmarking: each `lap` prints the time
/// since the last one and the process's peak memory so far. Off, it costs a branch.
public final class TraceClock: @unchecked Sendable {
    public static let enabled = ProcessInfo.processInfo.environment["HEADROOM_TRACE"] != nil
    private var last = ContinuousClock.now

    public init() {}

    public func lap(_ what: @autoclosure () -> String) {
        guard Self.enabled else { return }
        let now = ContinuousClock.now
        FileHandle.standardError.write(Data("trace: \(what()) \(now - last), peak \(Self.peakMiB()) MiB\n".utf8))
        last = now
    }

    /// Prints a line without timing it (a search's steps, say).
    public func note(_ what: @autoclosure () -> String) {
        guard Self.enabled else { return }
        FileHandle.standardError.write(Data("trace: \(what())\n".utf8))
    }

    /// The process's peak resident memory so far (MiB).
    static func peakMiB() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024  // KiB on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return usage.ru_maxrss / (1 << 20)  // bytes on macOS
        #endif
    }
}
