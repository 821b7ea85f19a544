import Foundation
import Hummingbird
import HeadroomSession
import NIOCore

/// The studio's HTTP side: the page, its static files and the JSON API. Every handler parses, calls one
/// `Studio` operation and answers; files are addressed by id, never by a path from the client.
public enum StudioServer {
    public typealias Context = BasicRequestContext

    /// The application, bound to `host`:`port` (0: a free port; `onRunning` gets the real one).
    public static func application(studio: Studio, host: String, port: Int,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: Context.self)
        let portBox = PortBox(port)
        router.add(middleware: DynamicHostCheck(host: host, port: portBox))
        PageRoutes.add(to: router)
        SongRoutes(studio: studio).add(to: router)
        AlbumRoutes(studio: studio).add(to: router)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Headroom Studio"),
                           onServerRunning: { channel in
                               let actual = channel.localAddress?.port ?? port
                               portBox.set(actual)
                               await onRunning(actual)
                           })
    }
}

/// The port the server really listens on (known once it runs, when asked for port 0).
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int
    init(_ v: Int) { value = v }
    func set(_ v: Int) { lock.lock(); value = v; lock.unlock() }
    var port: Int { lock.lock(); defer { lock.unlock() }; return value }
}

/// `HostCheckMiddleware` for the port the server ended up on.
struct DynamicHostCheck<Context: RequestContext>: RouterMiddleware {
    let host: String
    let port: PortBox
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await HostCheckMiddleware<Context>(host: host, port: port.port).handle(request, context: context, next: next)
    }
}

/// JSON answers and errors.
enum Reply {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = (try? JSONEncoder().encode(["error": message])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Runs `body`, turning a `JobError` into 400 (usage) or 422 (a file that cannot be used) with its line.
    static func guarded(_ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch let e as JobError {
            return error(e.kind == .usage ? .badRequest : e.kind == .cancelled ? .conflict : .unprocessableContent, e.message)
        } catch let e as HTTPError {
            return error(e.status, e.body ?? "\(e.status)")
        } catch {
            return self.error(.internalServerError, "\(error)")
        }
    }

    static func svg(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
