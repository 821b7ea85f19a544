import Foundation
import HeadroomSession
import Hummingbird

/// The album's API: its order, its view (loudness and tone spreads), album renders, their masters and the
/// transitions between tracks.
struct AlbumRoutes: Sendable {
    let studio: Studio
    typealias Context = StudioServer.Context

    struct Order: Decodable { var songIDs: [String] }
    struct Started: Encodable { var render: AlbumRenderRecord; var job: JobRecord }

    func add(to router: Router<Context>) {
        router.get("/api/album") { _, _ in await Reply.guarded { try Reply.json(try studio.albumView()) } }
        router.put("/api/album") { request, context in
            await Reply.guarded {
                let order = try await request.decode(as: Order.self, context: context)
                try studio.setAlbum(order.songIDs)
                return try Reply.json(try studio.albumView())
            }
        }
        router.post("/api/album/renders") { request, context in
            await Reply.guarded {
                let settings = try await request.decode(as: AlbumSettings.self, context: context)
                let (render, job) = try studio.startAlbumRender(settings: settings)
                return try Reply.json(Started(render: render, job: job), status: .accepted)
            }
        }
        router.get("/api/album/renders/:id/tracks/:n/master.wav") { request, context in
            await Reply.guarded {
                let render = try context.parameters.require("id")
                guard let n = Int(try context.parameters.require("n")), n >= 1 else { return Reply.error(.badRequest, "tracks count from 1") }
                let path = try studio.albumMasterPath(render: render, index: n - 1)
                return try FileReply.serve(path, request: request, downloadName: (path as NSString).lastPathComponent)
            }
        }
        router.get("/api/album/renders/:id/album.json") { request, context in
            await Reply.guarded {
                let render = try context.parameters.require("id")
                guard try studio.store.albumRender(render)?.status == .done else { return Reply.error(.notFound, "no such album render") }
                return try FileReply.serve(studio.store.albumFolder(render).appendingPathComponent("album.headroom.json").path,
                                           request: request, downloadName: "album.headroom.json")
            }
        }
        // The end of track n into the start of track n + 1 (masters of ?render=ID, else the mixes).
        router.get("/api/album/transitions/:n/audio") { request, context in
            await Reply.guarded {
                guard let n = Int(try context.parameters.require("n")), n >= 1 else { return Reply.error(.badRequest, "transitions count from 1") }
                let path = try studio.transitionPath(index: n - 1, render: request.uri.queryParameters["render"].map(String.init))
                return try FileReply.serve(path, request: request)
            }
        }
    }
}
