/// Why an audio file could not be read or written. Every message is one line that names the file.
public struct AudioFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for scripts and tests.
    public enum Kind: String, Sendable, Codable {
        case notFound, notAFile, unreadable, empty, notAudio, truncated, unsupportedChannels
        case unsupportedSampleRate, nonFiniteSamples, tooLarge, noAudio
        case sameAsInput, exists, unwritable, writeFailed, unsupportedFormat
    }

    public let kind: Kind
    public let path: String
    public let detail: String

    public init(_ kind: Kind, path: String, _ detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }
}
