import Foundation
import HeadroomIO
import HeadroomMastering
import HeadroomSignals
import HeadroomTestSupport
import Testing

/// `headroom album` as a user runs it.
@Suite struct AlbumCommandTests {
    static func writeTrack(_ folder: TempFolder, _ name: String, peakDBFS: Double, seed: UInt64) throws -> String {
        var s = SyntheticSong(sections: [.init("verse", seconds: 8, levelDB: -5), .init("chorus", seconds: 10, levelDB: 0, bright: true)])
        s.seed = seed
        s.peakDBFS = peakDBFS
        let path = folder.file(name)
        try AudioFileWriter.write(s.render(), to: path, format: AudioFileFormat(.wav, .int24))
        return path
    }

    @Test func mastersEveryTrackAndReportsTheAlbumEvenWhenOneFails() throws {
        let folder = TempFolder()
        let a = try Self.writeTrack(folder, "01 single.wav", peakDBFS: -3, seed: 1)
        let b = try Self.writeTrack(folder, "02 ballad.wav", peakDBFS: -12, seed: 2)
        let broken = folder.file("03 broken.wav")
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: broken))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: a))
        let out = folder.file("out")
        let r = try CLI.run(["album", a, b, broken, "-o", out, "--jobs", "2"])
        #expect(r.status == 1, "one track failed: \(r.stderr)")
        #expect(r.stderr.contains("03 broken.wav"))
        #expect(r.stdout.contains("ALBUM"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == bytes)
        for name in ["01 single", "02 ballad"] {
            #expect(FileManager.default.fileExists(atPath: out + "/\(name).master.wav"))
            #expect(FileManager.default.fileExists(atPath: out + "/\(name).master.wav.headroom.json"))
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/03 broken.master.wav"))
        let report = try JSONDecoder().decode(AlbumReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/album.headroom.json")))
        #expect(report.tracks.map(\.status) == ["mastered", "mastered", "failed"])
        let single = report.tracks[0], ballad = report.tracks[1]
        #expect(single.targetLUFS == -14)
        #expect(ballad.targetLUFS! < -14.5, "the ballad keeps part of its offset: \(ballad.targetLUFS!)")
        #expect(abs(single.afterLUFS! - -14) <= 0.1 && abs(ballad.afterLUFS! - ballad.targetLUFS!) <= 0.1)
        #expect(report.items.contains { $0.key == "album.failed" })
        #expect(report.loudnessSpreadAfterLU < report.loudnessSpreadBeforeLU)

        // Nothing is overwritten without --force.
        let again = try CLI.run(["album", a, b, "-o", out])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        #expect(try CLI.run(["album", a, b, "-o", out, "--force", "-q", "--jobs", "1"]).status == 0)
    }

    @Test func badAlbumArguments() throws {
        let folder = TempFolder()
        let a = try Self.writeTrack(folder, "song.wav", peakDBFS: -6, seed: 1)
        try FileManager.default.createDirectory(atPath: folder.file("other"), withIntermediateDirectories: true)
        let b = try Self.writeTrack(folder, "other/song.wav", peakDBFS: -6, seed: 2)
        let cases: [([String], String)] = [
            (["album"], "track"),
            (["album", a, b], "named 'song'"),
            (["album", a, "--keep-offset", "2"], "--keep-offset"),
            (["album", a, "--jobs", "0"], "--jobs"),
            (["album", a, "--format", "mp3"], "--format"),
            (["album", a, "--match", "eq=1"], "need --reference"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args): \(r.status)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }
}
