import Hummingbird

/// Refuses requests whose Host is not this studio's (DNS rebinding) and writes whose Origin is another
/// site's (cross-site requests): a page elsewhere cannot read or change the library.
public struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    /// host:port pairs the studio answers to, e.g. "127.0.0.1:8800", "localhost:8800".
    let allowedHosts: Set<String>

    public init(host: String, port: Int) {
        var hosts: Set<String> = ["\(host):\(port)"]
        if ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) {
            hosts.formUnion(["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"])
        }
        allowedHosts = hosts
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        guard allowedHosts.contains(host.lowercased()) else {
            throw HTTPError(.misdirectedRequest, message: "this studio answers to \(allowedHosts.sorted().first ?? "")")
        }
        if request.method != .get && request.method != .head {
            if let origin = request.headers[.origin], !allowedHosts.contains(where: { "http://\($0)" == origin.lowercased() }) {
                throw HTTPError(.forbidden, message: "requests from another site are refused")
            }
        }
        return try await next(request, context)
    }
}
