import Foundation
import Hummingbird
import NIOCore

/// Serves a file of the library (never a client-given path) with single-range support, so a player can
/// seek in a long file without loading all of it.
enum FileReply {
    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "wav", "wave": return "audio/wav"
        case "flac": return "audio/flac"
        case "mp3": return "audio/mpeg"
        case "ogg", "oga": return "audio/ogg"
        case "opus": return "audio/ogg; codecs=opus"
        case "aif", "aiff": return "audio/aiff"
        case "json": return "application/json"
        case "html": return "text/html; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    static func serve(_ path: String, request: Request, downloadName: String? = nil) throws -> Response {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Reply.error(.notFound, "the file is gone") }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        var headers: HTTPFields = [.contentType: contentType(path), .acceptRanges: "bytes", .cacheControl: "no-store"]
        if let downloadName {
            let safe = downloadName.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
            headers[.contentDisposition] = "attachment; filename=\"\(safe)\""
        }
        var start = 0, end = size - 1, status = HTTPResponse.Status.ok
        if let range = request.headers[.range], let r = parseRange(range, size: size) {
            (start, end) = r
            status = .partialContent
            headers[.contentRange] = "bytes \(start)-\(end)/\(size)"
        } else if request.headers[.range] != nil {
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        try handle.seek(toOffset: UInt64(start))
        let data = size == 0 ? Data() : (try handle.read(upToCount: end - start + 1) ?? Data())
        headers[.contentLength] = "\(data.count)"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// "bytes=100-199", "bytes=100-", "bytes=-500" → inclusive bounds.
    static func parseRange(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6).split(separator: ",")[0]
        let parts = spec.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty, let n = Int(parts[1]), n > 0 { return (max(0, size - n), size - 1) }
        guard let a = Int(parts[0]), a < size else { return nil }
        let b = Int(parts[1]).map { min($0, size - 1) } ?? size - 1
        return b >= a ? (a, b) : nil
    }
}
