import HeadroomIO

/// Why a job could not be done, phrased for a person: one line that names the file (or the option) and
/// the problem. The CLI prints it after `headroom: `; the studio shows it in the page.
public struct JobError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem, so a caller can choose an exit code or an HTTP status.
    public enum Kind: String, Sendable {
        /// The request itself is wrong (an option, a path that can never work): exit code 2.
        case usage
        /// A file could not be read, analyzed or written: exit code 1.
        case failure
        /// The caller stopped the job (`Cancellation`); nothing was written.
        case cancelled
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind = .failure, _ message: String) { self.kind = kind; self.message = message }

    public static func usage(_ message: String) -> JobError { JobError(.usage, message) }

    public var description: String { message }
}

extension OutputTransaction {
    /// For a `catch`: rolls back what was staged (nothing is left half-written) and returns the error to
    /// throw, a file's error as the job's one line.
    func failed(_ error: Error) -> Error {
        rollback()
        if let e = error as? AudioFileError { return JobError(.failure, e.description) }
        return error
    }
}
