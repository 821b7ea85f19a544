import Foundation

/// A caller's request to stop a job: set from any thread (the studio's cancel button), read by the job
/// between its steps (before rendering, before measuring, before each codec, before writing). A stopped
/// job throws `JobError(.cancelled)` and, like any failed job, leaves no file behind.
public final class Cancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.withLock { cancelled = true } }

    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Throws when cancelled.
    public func check() throws {
        if isCancelled { throw JobError(.cancelled, "cancelled") }
    }
}
