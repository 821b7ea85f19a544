import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HeadroomDSP
import HeadroomMastering
import HeadroomIO
import HeadroomSignals
import HeadroomStudio
import HeadroomTestSupport
import GRDB
import Testing

/// The studio's HTTP API, on a real server on loopback (the `headroom-studio` program with a temporary
/// library), as the page and scripts use it.
@Suite(.serialized) struct StudioAPITests {
    final class Server {
        let process = Process()
        let library = TempFolder()
        var base = ""

        init() throws {
            let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            let candidates = [products.appendingPathComponent("headroom-studio"),
                              Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("headroom-studio")]
            process.executableURL = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
            process.arguments = ["--port", "0", "--library", library.path, "--max-upload-mb", "16"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var text = ""
            let deadline = Date().addingTimeInterval(30)
            while !text.contains("http://") && Date() < deadline {
                let d = out.fileHandleForReading.availableData
                if d.isEmpty { break }
                text += String(decoding: d, as: UTF8.self)
            }
            guard let r = text.range(of: "http://") else { throw NSError(domain: "studio", code: 1) }
            base = String(text[r.lowerBound...].prefix { !$0.isWhitespace }).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        }

        deinit { process.terminate(); process.waitUntilExit() }

        func request(_ path: String, method: String = "GET", body: Data? = nil, headers: [String: String] = [:]) async throws -> (Int, Data, [String: String]) {
            var r = URLRequest(url: URL(string: base + path)!, timeoutInterval: 300)
            r.httpMethod = method
            r.httpBody = body
            for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
            let config = URLSessionConfiguration.ephemeral
            config.connectionProxyDictionary = [:]
            let (data, response) = try await URLSession(configuration: config).data(for: r)
            let http = response as! HTTPURLResponse
            var h: [String: String] = [:]
            for (k, v) in http.allHeaderFields { h[String(describing: k).lowercased()] = String(describing: v) }
            return (http.statusCode, data, h)
        }

        func json(_ path: String, method: String = "GET", body: Any? = nil) async throws -> (Int, Any) {
            let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
            let (status, d, _) = try await request(path, method: method, body: data, headers: ["Content-Type": "application/json"])
            return (status, d.isEmpty ? [:] : try JSONSerialization.jsonObject(with: d, options: .fragmentsAllowed))
        }

        /// Waits for a job to finish; returns its final row.
        func finish(job: String) async throws -> [String: Any] {
            for _ in 0..<600 {
                let (_, j) = try await json("/api/jobs/\(job)")
                let row = try StudioAPITests.obj(j, "job")
                if ["done", "failed", "cancelled"].contains(row["status"] as? String ?? "") { return row }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw NSError(domain: "studio", code: 2)
        }
    }

    /// `value` as a JSON object, or a recorded failure (never a crash).
    static func obj(_ value: Any?, _ what: String = "object") throws -> [String: Any] { try #require(value as? [String: Any], "\(what)") }
    static func arr(_ value: Any?, _ what: String = "array") throws -> [[String: Any]] { try #require(value as? [[String: Any]], "\(what)") }

    static func song() throws -> Data {
        let folder = TempFolder()
        let path = folder.file("song.wav")
        let song = SyntheticSong(sections: [.init("verse", seconds: 14, levelDB: -8), .init("chorus", seconds: 14, levelDB: 0),
                                            .init("outro", seconds: 10, levelDB: -10, drums: false)]).render()
        try AudioFileWriter.write(song, to: path, format: AudioFileFormat(.wav, .int24))
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func uploadAnalyzeNotesTicksRenderAndRanges() async throws {
        let server = try Server()
        let wav = try Self.song()
        let (status, body, _) = try await server.request("/api/songs?name=My%20Song.wav", method: "POST", body: wav)
        #expect(status == 201)
        let added = try Self.obj(try JSONSerialization.jsonObject(with: body), String(decoding: body, as: UTF8.self))
        let song = try #require(try Self.obj(added["song"])["id"] as? String)
        let job = try await server.finish(job: try #require(try Self.obj(added["job"])["id"] as? String))
        #expect(job["status"] as? String == "done")
        let (_, v) = try await server.json("/api/songs/\(song)")
        let view = try Self.obj(v)
        let name = try Self.obj(view["song"])["name"] as? String
        #expect(name == "My Song")
        #expect(try Self.arr(view["sections"]).count >= 2)
        let items = try Self.arr(view["checklist"])
        #expect(!items.isEmpty)

        // Notes: added, changed, listed in time order; bad ones refused.
        let (s1, _) = try await server.json("/api/songs/\(song)/notes", method: "POST", body: ["timeSeconds": 20.0, "text": "kick too boomy"])
        let (s2, n2) = try await server.json("/api/songs/\(song)/notes", method: "POST", body: ["timeSeconds": 5.0, "text": "nice intro"])
        #expect(s1 == 201 && s2 == 201)
        let noteID = try #require(try Self.obj(n2)["id"] as? String)
        let (s3, _) = try await server.json("/api/songs/\(song)/notes/\(noteID)", method: "PATCH", body: ["done": true])
        #expect(s3 == 200)
        let (bad, err) = try await server.json("/api/songs/\(song)/notes", method: "POST", body: ["timeSeconds": 9999.0, "text": "x"])
        let message = try Self.obj(err)["error"] as? String ?? ""
        #expect(bad == 400 && message.contains("outside the song"))
        let (s4, _) = try await server.json("/api/songs/\(song)/ticks", method: "POST", body: ["itemID": items[0]["id"]!, "done": true])
        #expect(s4 == 204)
        let (_, v2) = try await server.json("/api/songs/\(song)")
        let notes = try Self.arr(try Self.obj(v2)["notes"])
        #expect(notes.map { $0["text"] as? String } == ["nice intro", "kick too boomy"])
        #expect(notes.first?["done"] as? Bool == true)
        let firstDone = try Self.arr(try Self.obj(v2)["checklist"]).first?["done"] as? Bool
        #expect(firstDone == true)

        // Plots are SVG.
        let (ps, plot, ph) = try await server.request("/api/songs/\(song)/plots/loudness.svg")
        #expect(ps == 200 && ph["content-type"] == "image/svg+xml")
        #expect(String(decoding: plot, as: UTF8.self).contains("class=\"curve mix\""))

        // Audio with ranges: the bytes asked for, and 416 past the end.
        let (rs, part, rh) = try await server.request("/api/songs/\(song)/audio", headers: ["Range": "bytes=100-199"])
        #expect(rs == 206 && part == wav[100..<200] && rh["content-range"] == "bytes 100-199/\(wav.count)")
        let (tail, last, _) = try await server.request("/api/songs/\(song)/audio", headers: ["Range": "bytes=-10"])
        #expect(tail == 206 && last == wav.suffix(10))
        let (past, _, _) = try await server.request("/api/songs/\(song)/audio", headers: ["Range": "bytes=\(wav.count + 5)-"])
        #expect(past == 416)

        // A render with a ceiling: the verdict and the files.
        let (rstatus, started) = try await server.json("/api/songs/\(song)/renders", method: "POST", body: ["target": "apple", "ceiling": -2.0])
        #expect(rstatus == 202)
        let renderJob = try #require(try Self.obj(try Self.obj(started)["job"])["id"] as? String)
        #expect(try await server.finish(job: renderJob)["status"] as? String == "done")
        let (_, v3) = try await server.json("/api/songs/\(song)")
        let render = try #require(try Self.arr(try Self.obj(v3)["renders"]).first)
        let record = try Self.obj(render["record"])
        let truePeak = try #require(record["truePeakDBTP"] as? Double)
        let after = try #require(try Self.obj(render["after"])["integratedLUFS"] as? Double)
        #expect(truePeak <= -2)
        #expect(record["targetHit"] as? Bool == true)
        #expect(abs(after - -16) <= 0.1)
        // The gain reduction of both dynamics stages (the compressor is on at apple for this song).
        let (gs, gain, _) = try await server.request("/api/songs/\(song)/plots/gain.svg?render=\(record["id"]!)")
        let gainSVG = String(decoding: gain, as: UTF8.self)
        #expect(gs == 200 && gainSVG.contains("class=\"reduction limiter\""))
        let (_, sessionData, _) = try await server.request("/api/songs/\(song)/renders/\(record["id"]!)/session.json")
        let compressorOn = try Session.decode(sessionData).plan.compressor.enabled
        #expect(gainSVG.contains("class=\"reduction compressor\"") == compressorOn)
        let (ms, master, mh) = try await server.request("/api/songs/\(song)/renders/\(record["id"]!)/master.wav")
        #expect(ms == 200 && master.count > 1000 && (mh["content-disposition"] ?? "").contains("My Song.apple-1.wav"))
        // Previews of the master: a speaker model and a codec, with their loudness.
        let (phs, phone) = try await server.json("/api/songs/\(song)/previews/phone?render=\(record["id"]!)")
        let phoneLUFS = try #require(try Self.obj(phone)["integratedLUFS"] as? Double)
        #expect(phs == 200 && phoneLUFS < after - 3, "the phone model loses the lows: \(phoneLUFS) vs \(after)")
        let (pas, pa, _) = try await server.request("/api/songs/\(song)/previews/opus/audio?render=\(record["id"]!)")
        #expect(pas == 200 && pa.count > 100_000)
        let (nos, _, _) = try await server.request("/api/songs/\(song)/previews/passwd/audio")
        #expect(nos == 400)
        let (bs, _) = try await server.json("/api/songs/\(song)/renders", method: "POST", body: ["target": "vinyl"])
        #expect(bs == 400)
    }

    /// A render cancelled at once stops (queued or at its next step), is marked cancelled with its job, and
    /// leaves no files; cancelling a finished job changes nothing.
    @Test func aCancelledRenderLeavesNothing() async throws {
        let server = try Server()
        let (_, body, _) = try await server.request("/api/songs?name=song.wav", method: "POST", body: try Self.song())
        let added = try Self.obj(try JSONSerialization.jsonObject(with: body))
        let song = try #require(try Self.obj(added["song"])["id"] as? String)
        let analysisJob = try #require(try Self.obj(added["job"])["id"] as? String)
        #expect(try await server.finish(job: analysisJob)["status"] as? String == "done")
        // Two renders: the second waits behind the first on the serial queue and is cancelled while queued;
        // the first is cancelled while it runs.
        let (_, first) = try await server.json("/api/songs/\(song)/renders", method: "POST", body: ["target": "loud"])
        let (_, second) = try await server.json("/api/songs/\(song)/renders", method: "POST", body: ["target": "apple"])
        var jobs: [String] = []
        for started in [second, first] {
            let job = try #require(try Self.obj(try Self.obj(started)["job"])["id"] as? String)
            let (cs, _) = try await server.json("/api/jobs/\(job)/cancel", method: "POST", body: [String: Any]())
            #expect(cs == 202)
            jobs.append(job)
        }
        for job in jobs {
            let row = try await server.finish(job: job)
            #expect(row["status"] as? String == "cancelled", "\(row)")
        }
        let (_, v) = try await server.json("/api/songs/\(song)")
        let renders = try Self.arr(try Self.obj(v)["renders"])
        #expect(renders.count == 2)
        for r in renders {
            let record = try Self.obj(r["record"])
            #expect(record["status"] as? String == "cancelled")
            let (ms, _, _) = try await server.request("/api/songs/\(song)/renders/\(record["id"]!)/master.wav")
            #expect(ms == 404)
            let folder = server.library.path + "/songs/\(song)/renders/\(record["id"]!)"
            #expect(!FileManager.default.fileExists(atPath: folder), "\(folder)")
        }
        // A finished job stays as it was.
        let (fs, finished) = try await server.json("/api/jobs/\(analysisJob)/cancel", method: "POST", body: [String: Any]())
        let finishedStatus = try Self.obj(finished)["status"] as? String
        #expect(fs == 202 && finishedStatus == "done")
    }

    /// The chain's settings from the page replace the planner's, are checked with the session's ranges, and
    /// the render's session says what was rendered.
    @Test func chainSettingsFromThePage() async throws {
        let server = try Server()
        let (_, body, _) = try await server.request("/api/songs?name=song.wav", method: "POST", body: try Self.song())
        let added = try Self.obj(try JSONSerialization.jsonObject(with: body))
        let song = try #require(try Self.obj(added["song"])["id"] as? String)
        #expect(try await server.finish(job: try #require(try Self.obj(added["job"])["id"] as? String))["status"] as? String == "done")
        let (bad, badBody) = try await server.json("/api/songs/\(song)/renders", method: "POST", body: ["chain": ["compressorRatio": 50]])
        #expect(bad == 400 && "\(badBody)".contains("compressor ratio is 50; allowed 1 to 20"), "\(badBody)")
        let (badEQ, badEQBody) = try await server.json("/api/songs/\(song)/renders", method: "POST",
                                                       body: ["chain": ["eqBands": [["kind": "bell", "frequencyHz": 1000, "gainDB": 2, "q": 1],
                                                                                    ["kind": "bell", "frequencyHz": 1e9, "gainDB": 2, "q": 1]]]])
        #expect(badEQ == 400 && "\(badEQBody)".contains("EQ band 2 Hz is 1000000000; allowed 10 to 24000"), "\(badEQBody)")
        let chain: [String: Any] = ["compressorRatio": 2.5, "compressorThresholdDB": -24, "limiterReleaseMilliseconds": 120, "widthDB": 2,
                                    "eqBands": [["kind": "bell", "frequencyHz": 2500, "gainDB": -2, "q": 1.2]]]
        let (rs, started) = try await server.json("/api/songs/\(song)/renders", method: "POST", body: ["chain": chain])
        #expect(rs == 202)
        let job = try #require(try Self.obj(try Self.obj(started)["job"])["id"] as? String)
        #expect(try await server.finish(job: job)["status"] as? String == "done")
        let renderID = try #require(try Self.obj(try Self.obj(started)["render"])["id"] as? String)
        let (_, sessionData, _) = try await server.request("/api/songs/\(song)/renders/\(renderID)/session.json")
        let plan = try Session.decode(sessionData).plan
        #expect(plan.compressor.enabled && plan.compressor.ratio == 2.5 && plan.compressor.thresholdDB == -24)
        #expect(plan.limiter.releaseMilliseconds == 120)
        #expect(plan.eq.bands == [EQBand(kind: .bell, frequencyHz: 2500, gainDB: -2, q: 1.2)])
        #expect(plan.width?.sideBands.first?.gainDB == 2)
        let eq = plan.decisions.filter { $0.stage == "eq" }
        #expect(eq.map(\.summary) == ["bell (Q 1.2) −2.0 dB at 2.5 kHz"] && eq.allSatisfy { $0.reason.contains("in the session") }, "\(eq)")
        #expect(plan.decisions.contains { $0.stage == "width" && $0.summary == "side +2.0 dB above 300 Hz" })
        // The page reads a small summary per render (written when it finished; made again when missing).
        let summary = server.library.path + "/songs/\(song)/renders/\(renderID)/summary.json"
        #expect(FileManager.default.fileExists(atPath: summary))
        try FileManager.default.removeItem(atPath: summary)
        // The page starts its controls from the render's chain.
        let (_, v) = try await server.json("/api/songs/\(song)")
        #expect(FileManager.default.fileExists(atPath: summary))
        let rendered = try #require(try Self.arr(try Self.obj(v)["renders"]).last)
        let shown = try Self.obj(try Self.obj(rendered["chain"])["compressor"])
        #expect(shown["ratio"] as? Double == 2.5)
        // The checklist reads as the master's verdict has it, with the master's own items after the mix's.
        let checklist = try Self.arr(try Self.obj(v)["checklist"])
        #expect(checklist.contains { $0["key"] as? String == "master.loudness" && $0["status"] as? String == "fixed" }, "\(checklist)")
        #expect(checklist.contains { $0["key"] as? String == "master.shape" })
    }

    @Test func badUploadsAndForeignRequestsLeaveNothing() async throws {
        let server = try Server()
        let (s1, b1, _) = try await server.request("/api/songs?name=notes.wav", method: "POST", body: Data("not audio".utf8))
        #expect(s1 == 400)
        #expect(String(decoding: b1, as: UTF8.self).contains("notes.wav: not an audio file"))
        var wav = try Self.song()
        let (s2, _, _) = try await server.request("/api/songs?name=cut.wav", method: "POST", body: wav.prefix(2000))
        #expect(s2 == 400)
        wav.append(Data(count: 17 << 20))  // over the 16 MiB limit this server was given
        let (s3, b3, _) = try await server.request("/api/songs?name=huge.wav", method: "POST", body: wav)
        #expect(s3 == 413, "\(String(decoding: b3, as: UTF8.self))")
        let (s4, _, _) = try await server.request("/api/songs?name=empty.wav", method: "POST", body: Data())
        #expect(s4 == 400)
        let (_, list) = try await server.json("/api/songs")
        #expect((list as? [Any])?.isEmpty == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.library.file("incoming")).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.library.file("songs")).isEmpty)
        // Ids are never paths.
        let (s5, _, _) = try await server.request("/api/songs/..%2F..%2Fetc%2Fpasswd/audio")
        #expect(s5 == 404)
        // Another site's page cannot write; another host name is not answered.
        let (s6, _, _) = try await server.request("/api/songs/by-path", method: "POST", body: Data("{\"path\":\"/tmp\"}".utf8),
                                                  headers: ["Origin": "http://evil.example", "Content-Type": "application/json"])
        #expect(s6 == 403)
        let (s7, _, _) = try await server.request("/api/songs", headers: ["Host": "evil.example"])
        #expect(s7 == 421)
    }

    @Test func theLibraryOutlivesTheServerAndInterruptedWorkIsSaid() async throws {
        let library = TempFolder()
        let store = try Store(folder: URL(fileURLWithPath: library.path))
        let song = SongRecord(id: Store.newID(), name: "a", audioPath: "/nonexistent.wav", referenced: true, createdAt: Date(), status: .analyzing)
        try store.save(song)
        try store.save(JobRecord(id: Store.newID(), songID: song.id, kind: .analyze, status: .running, step: "analyzing", fraction: 0.5,
                                 createdAt: Date()))
        // Opening the library again (a restart) marks the interrupted work.
        let again = try Store(folder: URL(fileURLWithPath: library.path))
        #expect(try again.song(song.id)?.status == .failed)
        #expect(try again.jobs(song: song.id).first?.status == .failed)
        #expect(try again.jobs(song: song.id).first?.message?.contains("interrupted") == true)
    }

    @Test func aVersionOneLibraryIsMigrated() throws {
        let library = TempFolder()
        try FileManager.default.createDirectory(atPath: library.file("songs"), withIntermediateDirectories: true)
        let db = try DatabaseQueue(path: library.file("library.sqlite"))
        try Store.migrator.migrate(db, upTo: "v1")
        try db.write { db in
            try db.execute(sql: "INSERT INTO song (id, name, audioPath, referenced, createdAt, status) VALUES (?, 'old', '/x.wav', 1, ?, 'ready')",
                           arguments: ["6F9619FF-8B86-D011-B42D-00C04FC964FF", Date()])
        }
        let store = try Store(folder: URL(fileURLWithPath: library.path))
        let song = try #require(try store.song("6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        #expect(song.name == "old" && song.referenceID == nil)
        try store.save({ var s = song; s.referenceID = "other"; return s }())
        #expect(try store.song(song.id)?.referenceID == "other")
    }

    @Test func aReferenceIsHeardAndMatched() async throws {
        let server = try Server()
        func add(_ name: String, _ data: Data) async throws -> String {
            let (_, body, _) = try await server.request("/api/songs?name=\(name)", method: "POST", body: data)
            let added = try Self.obj(try JSONSerialization.jsonObject(with: body))
            _ = try await server.finish(job: try #require(try Self.obj(added["job"])["id"] as? String))
            return try #require(try Self.obj(added["song"])["id"] as? String)
        }
        let mix = try await add("mix.wav", try Self.song())
        // A brighter, louder reference.
        let folder = TempFolder()
        var ref = SyntheticSong(sections: [.init("verse", seconds: 14, levelDB: -4, bright: true), .init("chorus", seconds: 14, levelDB: 0, bright: true)]).render()
        for c in ref.channels.indices { var f = Biquad(.highShelf(frequencyHz: 4000, gainDB: 6, sampleRate: ref.sampleRate)); f.process(&ref.channels[c]) }
        try AudioFileWriter.write(ref, to: folder.file("ref.wav"), format: AudioFileFormat(.wav, .int24))
        let reference = try await add("ref.wav", try Data(contentsOf: URL(fileURLWithPath: folder.file("ref.wav"))))
        let (own, _) = try await server.json("/api/songs/\(mix)/reference", method: "POST", body: ["referenceID": mix])
        #expect(own == 400)
        let (set, _) = try await server.json("/api/songs/\(mix)/reference", method: "POST", body: ["referenceID": reference])
        #expect(set == 204)
        let (_, v) = try await server.json("/api/songs/\(mix)")
        #expect(try Self.obj(try Self.obj(v)["reference"])["name"] as? String == "ref")
        let (_, spectrum, _) = try await server.request("/api/songs/\(mix)/plots/spectrum.svg")
        #expect(String(decoding: spectrum, as: UTF8.self).contains("class=\"curve reference\""))
        let (_, started) = try await server.json("/api/songs/\(mix)/renders", method: "POST", body: ["matchEQ": 1.0, "matchLoudness": 0.0])
        let job = try await server.finish(job: try #require(try Self.obj(try Self.obj(started)["job"])["id"] as? String))
        #expect(job["status"] as? String == "done", "\(job)")
        let renderID = try #require(try Self.obj(try Self.obj(started)["render"])["id"] as? String)
        let (_, session, _) = try await server.request("/api/songs/\(mix)/renders/\(renderID)/session.json")
        let s = try Session.decode(session)
        let m = try #require(s.report?.match)
        #expect(m.after.tonalDB < m.before.tonalDB, "\(m.before.tonalDB) → \(m.after.tonalDB)")
        // Loudness 0: the plan aims at the spotify target, not at the reference's loudness.
        #expect(s.plan.target.integratedLUFS == -14)
    }
}
