import Foundation
import HeadroomMastering
import HeadroomPlots
import HeadroomSession
import Hummingbird
import NIOCore

/// The JSON API: songs, analysis, plots, audio, notes, ticks, renders and jobs.
struct SongRoutes: Sendable {
    let studio: Studio
    typealias Context = StudioServer.Context

    struct PathRequest: Decodable { var path: String }
    struct NoteRequest: Decodable { var timeSeconds: Double; var text: String }
    struct NoteChange: Decodable { var done: Bool?; var text: String? }
    struct TickRequest: Decodable { var itemID: Int; var done: Bool }
    struct ReferenceRequest: Decodable { var referenceID: String? }
    struct Added: Encodable { var song: SongRecord; var job: JobRecord }
    struct Started: Encodable { var render: RenderRecord; var job: JobRecord }

    func add(to router: Router<Context>) {
        router.get("/api/songs") { _, _ in await Reply.guarded { try Reply.json(try studio.store.songs()) } }
        router.post("/api/songs") { request, _ in await Reply.guarded { try await upload(request) } }
        router.post("/api/songs/by-path") { request, context in
            await Reply.guarded {
                let body = try await request.decode(as: PathRequest.self, context: context)
                let (song, job) = try studio.addPath(body.path)
                return try Reply.json(Added(song: song, job: job), status: .created)
            }
        }
        router.get("/api/songs/:id") { _, context in
            await Reply.guarded {
                guard let view = try studio.view(songID: try context.parameters.require("id")) else { return Reply.error(.notFound, "no such song") }
                return try Reply.json(view)
            }
        }
        router.delete("/api/songs/:id") { _, context in
            await Reply.guarded {
                try studio.store.deleteSong(try context.parameters.require("id"))
                return Response(status: .noContent)
            }
        }
        router.get("/api/songs/:id/plots/:plot") { request, context in
            await Reply.guarded {
                try plot(song: try context.parameters.require("id"), name: try context.parameters.require("plot"),
                         render: request.uri.queryParameters["render"].map(String.init))
            }
        }
        router.get("/api/songs/:id/audio") { request, context in
            await Reply.guarded {
                guard let song = try studio.store.song(try context.parameters.require("id")) else { return Reply.error(.notFound, "no such song") }
                return try FileReply.serve(song.audioPath, request: request)
            }
        }
        router.get("/api/previews") { _, _ in await Reply.guarded { try Reply.json(PreviewSource.all) } }
        // A preview's loudness (made on first request; the page plays it at the mix's loudness).
        router.get("/api/songs/:id/previews/:name") { request, context in
            await Reply.guarded {
                let p = try await preview(request, context)
                return try Reply.json(["integratedLUFS": p.integratedLUFS])
            }
        }
        router.get("/api/songs/:id/previews/:name/audio") { request, context in
            await Reply.guarded { try FileReply.serve(try await preview(request, context).path, request: request) }
        }
        router.get("/api/songs/:id/renders/:render/:file") { request, context in
            await Reply.guarded { try renderFile(request, context) }
        }
        router.post("/api/songs/:id/renders") { request, context in
            await Reply.guarded {
                let settings = try await request.decode(as: RenderSettings.self, context: context)
                let (render, job) = try studio.startRender(songID: try context.parameters.require("id"), settings: settings)
                return try Reply.json(Started(render: render, job: job), status: .accepted)
            }
        }
        router.post("/api/songs/:id/notes") { request, context in
            await Reply.guarded {
                let body = try await request.decode(as: NoteRequest.self, context: context)
                return try Reply.json(try studio.addNote(songID: try context.parameters.require("id"), timeSeconds: body.timeSeconds, text: body.text),
                                      status: .created)
            }
        }
        router.patch("/api/songs/:id/notes/:note") { request, context in
            await Reply.guarded {
                let body = try await request.decode(as: NoteChange.self, context: context)
                return try Reply.json(try studio.setNote(songID: try context.parameters.require("id"), noteID: try context.parameters.require("note"),
                                                         done: body.done, text: body.text))
            }
        }
        router.delete("/api/songs/:id/notes/:note") { _, context in
            await Reply.guarded {
                try studio.deleteNote(songID: try context.parameters.require("id"), noteID: try context.parameters.require("note"))
                return Response(status: .noContent)
            }
        }
        router.post("/api/songs/:id/reference") { request, context in
            await Reply.guarded {
                let body = try await request.decode(as: ReferenceRequest.self, context: context)
                try studio.setReference(songID: try context.parameters.require("id"), referenceID: body.referenceID)
                return Response(status: .noContent)
            }
        }
        router.post("/api/songs/:id/ticks") { request, context in
            await Reply.guarded {
                let body = try await request.decode(as: TickRequest.self, context: context)
                try studio.tick(songID: try context.parameters.require("id"), itemID: body.itemID, done: body.done)
                return Response(status: .noContent)
            }
        }
        router.get("/api/jobs/:id") { _, context in
            await Reply.guarded {
                guard let job = try studio.store.job(try context.parameters.require("id")) else { return Reply.error(.notFound, "no such job") }
                return try Reply.json(job)
            }
        }
        router.post("/api/jobs/:id/cancel") { _, context in
            await Reply.guarded { try Reply.json(try studio.cancel(jobID: try context.parameters.require("id")), status: .accepted) }
        }
        router.get("/api/jobs/:id/events") { _, context in
            let id = (try? context.parameters.require("id")) ?? ""
            return events(job: id)
        }
    }

    /// Streams the upload into the library's incoming folder (never more than the size limit), then lets
    /// the studio check it with libsndfile; a bad or too large file is removed and nothing is kept.
    func upload(_ request: Request) async throws -> Response {
        let name = request.uri.queryParameters["name"].map(String.init) ?? "upload.wav"
        let temp = studio.store.incoming.appendingPathComponent(Store.newID())
        guard FileManager.default.createFile(atPath: temp.path, contents: nil), let handle = FileHandle(forWritingAtPath: temp.path) else {
            throw JobError(.failure, "the library cannot take files (its folder is not writable)")
        }
        var total = 0
        do {
            for try await chunk in request.body {
                total += chunk.readableBytes
                if total > studio.maxUploadBytes {
                    throw HTTPError(.contentTooLarge, message: "\(name): larger than the studio takes (\(studio.maxUploadBytes >> 20) MiB)")
                }
                chunk.withUnsafeReadableBytes { handle.write(Data($0)) }
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
        guard total > 0 else {
            try? FileManager.default.removeItem(at: temp)
            throw JobError.usage("\(name): the upload is empty")
        }
        let (song, job) = try studio.addUpload(temp, name: name)
        return try Reply.json(Added(song: song, job: job), status: .created)
    }

    /// Makes (or finds) a preview off the server's event loops.
    func preview(_ request: Request, _ context: Context) async throws -> Preview {
        let song = try context.parameters.require("id"), name = try context.parameters.require("name")
        let render = request.uri.queryParameters["render"].map(String.init)
        let studio = self.studio
        return try await withCheckedThrowingContinuation { c in
            DispatchQueue.global(qos: .userInitiated).async {
                c.resume(with: Result { try studio.preview(songID: song, renderID: render, name: name) })
            }
        }
    }

    func renderFile(_ request: Request, _ context: Context) throws -> Response {
        let songID = try context.parameters.require("id"), renderID = try context.parameters.require("render")
        guard let song = try studio.store.song(songID), let render = try studio.store.render(renderID), render.songID == songID,
              render.status == .done else { return Reply.error(.notFound, "no such render") }
        // "My Song.spotify-2": the target and the render's number, so every download has its own name.
        let number = (try studio.store.renders(song: songID).firstIndex { $0.id == renderID } ?? 0) + 1
        let target = render.targetName.flatMap { $0.split(separator: " ").first.map(String.init) } ?? "master"
        let stem = "\(song.name).\(target)-\(number)"
        switch try context.parameters.require("file") {
        case "audio": return try FileReply.serve(studio.masterPath(song: songID, render: renderID), request: request)
        case "master.wav": return try FileReply.serve(studio.masterPath(song: songID, render: renderID), request: request, downloadName: stem + ".wav")
        case "session.json": return try FileReply.serve(studio.sessionPath(song: songID, render: renderID), request: request,
                                                        downloadName: stem + ".wav.headroom.json")
        case "report.html":
            let html = try studio.report(song: songID, render: renderID)
            let safe = (stem + ".report.html").replacingOccurrences(of: "\"", with: "'")
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .contentDisposition: "attachment; filename=\"\(safe)\""],
                            body: .init(byteBuffer: ByteBuffer(string: html)))
        default: return Reply.error(.notFound, "no such file")
        }
    }

    func plot(song songID: String, name: String, render: String?) throws -> Response {
        guard (try studio.store.song(songID)) != nil else { return Reply.error(.notFound, "no such song") }
        let saved = try studio.analysis(songID)
        let a = saved.analysis
        let master = try render.flatMap { r in try studio.store.render(r).flatMap { $0.songID == songID && $0.status == .done ? $0 : nil } }
            .map { try (studio.masterAnalysis(song: songID, render: $0.id), studio.session(song: songID, render: $0.id)) }
        switch name {
        case "waveform.svg":
            return Reply.svg(SongPlots.waveform(saved.waveform, sections: a.sections, loudest: a.loudestSectionIndex))
        case "loudness.svg":
            var curves = [SongPlots.Curve(name: "mix", intervalSeconds: a.loudness.shortTermIntervalSeconds, lufs: a.loudness.shortTermLUFS)]
            if let (m, _) = master {
                curves.append(.init(name: "master", intervalSeconds: m.loudness.shortTermIntervalSeconds, lufs: m.loudness.shortTermLUFS))
            }
            return Reply.svg(SongPlots.loudness(curves, sections: a.sections, loudest: a.loudestSectionIndex, duration: a.durationSeconds,
                                                targetLUFS: master?.1.plan.target.integratedLUFS))
        case "spectrum.svg":
            let t = a.tonalBalance
            var spectra = [SongPlots.Spectrum(name: "mix", levelDB: t.levelDB)]
            // Band levels are aligned to the target curve, so the mix's and the master's shapes compare directly.
            if let (m, _) = master { spectra.append(.init(name: "master", levelDB: m.tonalBalance.levelDB)) }
            if let refID = try studio.store.song(songID)?.referenceID, let ref = try? studio.analysis(refID) {
                spectra.append(.init(name: "reference", levelDB: ref.analysis.tonalBalance.levelDB))
            }
            return Reply.svg(SongPlots.spectrum(bandsHz: t.bandCentersHz, target: t.targetDB, targetName: t.targetName, spectra: spectra))
        case "gain.svg":
            guard let render, let curve = try? studio.gainReduction(song: songID, render: render) else {
                return Reply.error(.notFound, "no gain reduction: render first")
            }
            let compressor = try? studio.compressorGainReduction(song: songID, render: render)
            return Reply.svg(SongPlots.gainReduction(intervalSeconds: curve.intervalSeconds, reductionDB: curve.reductionDB,
                                                     compressorDB: compressor?.reductionDB, compressorIntervalSeconds: compressor?.intervalSeconds,
                                                     sections: a.sections, loudest: a.loudestSectionIndex, duration: a.durationSeconds))
        default:
            return Reply.error(.notFound, "no such plot")
        }
    }

    /// Server-sent events: the job's row each time it changes, until it is done or failed.
    func events(job id: String) -> Response {
        let store = studio.store
        let body = ResponseBody { writer in
            var last: JobRecord?
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            for _ in 0..<36_000 {  // at most an hour
                guard let job = try? store.job(id) else {
                    try await writer.write(ByteBuffer(string: "event: missing\ndata: {}\n\n"))
                    break
                }
                if job != last {
                    let data = (try? encoder.encode(job)) ?? Data()
                    try await writer.write(ByteBuffer(string: "data: \(String(decoding: data, as: UTF8.self))\n\n"))
                    last = job
                }
                if !job.isActive { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }
}
