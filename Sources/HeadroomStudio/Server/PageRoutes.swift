import Foundation
import Hummingbird
import NIOCore

/// The page and its static files, from the target's `Page` resources (no CDN, nothing from the internet).
enum PageRoutes {
    /// The files the page is made of, by name: nothing else is served from the folder.
    static let files: [String: String] = [
        "index.html": "text/html; charset=utf-8", "studio.js": "text/javascript; charset=utf-8",
        "studio.css": "text/css; charset=utf-8", "report.js": "text/javascript; charset=utf-8",
    ]

    /// The page's files, read once when the server starts: the page always matches the server serving it,
    /// even when the program is rebuilt while it runs.
    static let loaded: [String: Data] = {
        guard let folder = Bundle.module.url(forResource: "Page", withExtension: nil) else { return [:] }
        var out: [String: Data] = [:]
        for name in files.keys { out[name] = try? Data(contentsOf: folder.appendingPathComponent(name)) }
        return out
    }()

    static func read(_ name: String) -> Data? { loaded[name] }

    static func add(to router: Router<StudioServer.Context>) {
        _ = loaded
        router.get("/") { _, _ in serve("index.html") }
        router.get("/static/:file") { _, context in serve(context.parameters.get("file") ?? "") }
    }

    static func serve(_ name: String) -> Response {
        guard let data = read(name), let type = files[name] else { return Reply.error(.notFound, "no such file") }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache",
                                               .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
