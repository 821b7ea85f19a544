import Foundation

/// HEADROOM_TRACE=1 prints where a job's time goes (stderr), for benchmarking: each `lap` prints the time
/// since the last one. Off, it costs a branch.
public final class TraceClock: @unchecked Sendable {
    public static let enabled = ProcessInfo.processInfo.environment["HEADROOM_TRACE"] != nil
    private var last = ContinuousClock.now

    public init() {}

    public func lap(_ what: @autoclosure () -> String) {
        guard Self.enabled else { return }
        let now = ContinuousClock.now
        FileHandle.standardError.write(Data("trace: \(what()) \(now - last)\n".utf8))
        last = now
    }
}
