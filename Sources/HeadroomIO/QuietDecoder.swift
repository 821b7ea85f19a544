import Foundation

/// libsndfile's MP3 decoder (libmpg123) prints its own notes on stderr for damaged frames ("Note: Illegal
/// Audio-MPEG-Header ...") although the problem is reported to Headroom anyway; a person must see one line,
/// Headroom's. While an MPEG file is read, stderr goes to /dev/null (one reader at a time holds it; the
/// redirect is process-wide, so it is kept as short as the read).
enum QuietDecoder {
    private static let lock = NSLock()

    /// Whether the file starts like MPEG audio (an ID3 tag or a frame sync).
    static func looksLikeMPEG(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let b = [UInt8]((try? h.read(upToCount: 3)) ?? Data())
        guard b.count >= 2 else { return false }
        return (b.count == 3 && b[0] == 0x49 && b[1] == 0x44 && b[2] == 0x33) || (b[0] == 0xFF && b[1] & 0xE0 == 0xE0)
            || path.lowercased().hasSuffix(".mp3")
    }

    /// Runs `body` with stderr silenced when `path` is MPEG audio.
    static func run<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        guard looksLikeMPEG(path) else { return try body() }
        lock.lock(); defer { lock.unlock() }
        fflush(nil)
        let saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY)
        guard saved >= 0, null >= 0 else { return try body() }
        dup2(null, STDERR_FILENO); close(null)
        defer { fflush(nil); dup2(saved, STDERR_FILENO); close(saved) }
        return try body()
    }
}
