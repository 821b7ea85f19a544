import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSignals
import HeadroomTestSupport
import Testing

/// The studio's album on a real server: order, spreads, an album render through `AlbumJob`, its masters,
/// and the transitions between tracks.
@Suite struct StudioAlbumTests {
    typealias API = StudioAPITests

    /// A short song `gainDB` louder or quieter than the others, and brighter when asked.
    static func song(gainDB: Double, bright: Bool) throws -> Data {
        let folder = TempFolder()
        let path = folder.file("song.wav")
        var s = SyntheticSong(sections: [.init("verse", seconds: 10, levelDB: -6, bright: bright), .init("chorus", seconds: 10, levelDB: 0, bright: bright)])
        s.peakDBFS = -6 + gainDB
        try AudioFileWriter.write(s.render(), to: path, format: AudioFileFormat(.wav, .int24))
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func orderSpreadsRenderAndTransitions() async throws {
        let server = try API.Server()
        var ids: [String] = []
        for (name, gain, bright) in [("one", -6.0, false), ("two", 0.0, true), ("three", -3.0, false)] {
            let (_, body, _) = try await server.request("/api/songs?name=\(name).wav", method: "POST", body: try Self.song(gainDB: gain, bright: bright))
            let added = try API.obj(try JSONSerialization.jsonObject(with: body))
            let job = try #require(try API.obj(added["job"])["id"] as? String)
            #expect(try await server.finish(job: job)["status"] as? String == "done")
            ids.append(try #require(try API.obj(added["song"])["id"] as? String))
        }
        // Too few songs: refused with one line.
        let (few, fewBody) = try await server.json("/api/album/renders", method: "POST", body: ["target": "spotify"])
        #expect(few == 400 && "\(fewBody)".contains("at least two songs"))

        // The order as given; the spread is the loudest minus the quietest.
        let order = [ids[1], ids[0], ids[2]]
        let (ps, put) = try await server.json("/api/album", method: "PUT", body: ["songIDs": order])
        #expect(ps == 200)
        let view = try API.obj(put)
        let tracks = try API.arr(view["tracks"])
        #expect(tracks.map { $0["songID"] as? String } == order)
        let lufs = tracks.compactMap { $0["integratedLUFS"] as? Double }
        let spread = try #require(view["loudnessSpreadLU"] as? Double)
        #expect(abs(spread - ((lufs.max() ?? 0) - (lufs.min() ?? 0))) < 1e-6 && spread > 4, "\(lufs)")
        // The bright song stands out in tone.
        let tone = tracks.compactMap { $0["toneDistanceDB"] as? Double }
        #expect(tone[0] == tone.max(), "\(tone)")
        let (bad, _) = try await server.json("/api/album", method: "PUT", body: ["songIDs": [ids[0], ids[0]]])
        #expect(bad == 400)

        // Transitions of the mixes: the last 8 s of one into the first 8 s of the next.
        let (ts, wav, _) = try await server.request("/api/album/transitions/1/audio")
        #expect(ts == 200)
        let folder = TempFolder()
        let tpath = folder.file("t.wav")
        try wav.write(to: URL(fileURLWithPath: tpath))
        #expect(abs(try AudioFileReader.read(path: tpath).buffer.durationSeconds - 16) < 0.01)
        let (none, _, _) = try await server.request("/api/album/transitions/3/audio")
        #expect(none == 400)

        // Master the album: the report's loudness follows the album rule, the masters download.
        let (rs, started) = try await server.json("/api/album/renders", method: "POST", body: ["target": "spotify", "keepOffset": 0.5])
        #expect(rs == 202)
        let job = try #require(try API.obj(try API.obj(started)["job"])["id"] as? String)
        #expect(try await server.finish(job: job)["status"] as? String == "done")
        let (_, after) = try await server.json("/api/album")
        let render = try #require(try API.arr(try API.obj(after)["renders"]).last)
        let record = try API.obj(render["record"])
        #expect(record["status"] as? String == "done")
        let before = try #require(record["loudnessSpreadBeforeLU"] as? Double), afterSpread = try #require(record["loudnessSpreadAfterLU"] as? Double)
        #expect(afterSpread < before, "the album evens the loudness out: \(before) → \(afterSpread)")
        let report = try API.obj(render["report"])
        let lines = try API.arr(report["tracks"])
        #expect(lines.map { $0["name"] as? String } == ["two", "one", "three"])
        #expect(lines.allSatisfy { $0["status"] as? String == "mastered" && ($0["truePeak8xDBTP"] as? Double ?? 0) <= -1 + 1e-6 })
        // The loudest track sits at the target; the others under it by at most the offset rule.
        let afterLUFS = lines.compactMap { $0["afterLUFS"] as? Double }
        #expect(abs((afterLUFS.max() ?? 0) - -14) <= 0.15, "\(afterLUFS)")
        let (ms, master, mh) = try await server.request("/api/album/renders/\(record["id"]!)/tracks/1/master.wav")
        #expect(ms == 200 && master.count > 100_000 && (mh["content-disposition"] ?? "").contains("01 two.wav"))
        let (mt, masters, _) = try await server.request("/api/album/transitions/2/audio?render=\(record["id"]!)")
        #expect(mt == 200 && masters.count > 100_000)
    }
}
