import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomSignals
import HeadroomTestSupport
import Testing

@Suite struct AnalyzeCommandTests {
    /// A 40 s synthetic song written as 24-bit WAV.
    static func writeSong(_ folder: TempFolder, name: String = "mix.wav") throws -> String {
        let song = SyntheticSong(sections: [
            .init("verse", seconds: 16, levelDB: -6),
            .init("chorus", seconds: 16, levelDB: 0, bright: true),
            .init("outro", seconds: 10, levelDB: -6, drums: false),
        ])
        let path = folder.file(name)
        try AudioFileWriter.write(song.render(), to: path, format: AudioFileFormat(.wav, .int24))
        return path
    }

    @Test func textReportAndJSONFile() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: mix))
        let r = try CLI.run(["analyze", mix, "--json-file", folder.file("report.json")])
        #expect(r.status == 0, "\(r.stderr)")
        for heading in ["LEVELS", "LOUDNESS", "STEREO", "TONAL BALANCE", "SECTIONS", "CHECKLIST"] {
            #expect(r.stdout.contains(heading))
        }
        #expect(r.stdout.contains("loudest — the chain is set up here"))
        #expect(r.stderr.contains("x realtime"))
        // The input is byte-identical afterwards.
        #expect(try Data(contentsOf: URL(fileURLWithPath: mix)) == before)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("report.json")))) as! [String: Any]
        #expect(json["schemaVersion"] as? Int == 2)
        let analysis = try #require(json["analysis"] as? [String: Any])
        let loudness = try #require(analysis["loudness"] as? [String: Any])
        let integrated = try #require(loudness["integratedLUFS"] as? Double)
        #expect(integrated < -10 && integrated > -40)
        #expect((loudness["shortTermLUFS"] as? [Double])?.count ?? 0 > 400)
        let checklist = try #require(json["checklist"] as? [String: Any])
        #expect(((checklist["items"] as? [[String: Any]]) ?? []).contains { $0["key"] as? String == "sections.loudest" })
        let sections = try #require(analysis["sections"] as? [[String: Any]])
        #expect(sections.count == 3)
    }

    @Test func jsonAndMarkdownOnStdout() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let j = try CLI.run(["analyze", mix, "--format", "json"])
        #expect(j.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        #expect(object?["tool"] as? String == "headroom")
        let m = try CLI.run(["analyze", mix, "--format", "markdown"])
        #expect(m.status == 0)
        #expect(m.stdout.contains("## Checklist"))
        #expect(m.stdout.contains("| Integrated loudness |"))
    }

    @Test func withoutAFileItAnalyzesTheDemoMix() throws {
        let r = try CLI.run(["analyze"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("demo mix"))
        #expect(r.stdout.contains("CHECKLIST"))
        let bare = try CLI.run([])
        #expect(bare.status == 0)
        #expect(bare.stdout.contains("demo mix"))
    }

    @Test func demoMixCanBeWrittenAndIsNotOverwritten() throws {
        let folder = TempFolder()
        let path = folder.file("demo.wav")
        #expect(try CLI.run(["demo-mix", path]).status == 0)
        let (buffer, _) = try AudioFileReader.read(path: path)
        #expect(abs(buffer.durationSeconds - 98) < 0.01)
        let again = try CLI.run(["demo-mix", path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
    }

    @Test func badInputsGiveOneLineAndExitCode1() throws {
        let folder = TempFolder()
        FileManager.default.createFile(atPath: folder.file("notes.txt"), contents: Data("hello\n".utf8))
        FileManager.default.createFile(atPath: folder.file("empty.wav"), contents: Data())
        let silent = folder.file("silent.wav")
        try AudioFileWriter.write(AudioBuffer(sampleRate: 44_100, channelCount: 2, frameCount: 44_100 * 3), to: silent,
                                  format: AudioFileFormat(.wav, .int16))
        let cases: [(String, String)] = [
            (folder.file("missing.wav"), "no such file"),
            (folder.file("notes.txt"), "not an audio file"),
            (folder.file("empty.wav"), "is empty"),
            (silent, "is silent"),
        ]
        for (path, message) in cases {
            let r = try CLI.run(["analyze", path])
            #expect(r.status == 1, "\(path)")
            #expect(r.stderr.hasPrefix("headroom: \(path): "), "\(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func usageErrorsExitWith2() throws {
        let r = try CLI.run(["analyze", "--format", "pdf", "x.wav"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("format"))
        let unknown = try CLI.run(["analyze", "--bogus"])
        #expect(unknown.status == 2)
        let help = try CLI.run(["analyze", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--json"))
        let version = try CLI.run(["--version"])
        #expect(version.status == 0)
    }

    @Test func jsonOutputMayNotBeTheInput() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: mix))
        let r = try CLI.run(["analyze", mix, "--json-file", mix])
        #expect(r.status == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: mix)) == before)
    }
}

/// Damaged MP3s: libmpg123's own notes never reach the terminal; the user reads one line, Headroom's.
@Suite struct DamagedMP3Tests {
    @Test func oneLineOnStderr() throws {
        let folder = TempFolder()
        let song = SyntheticSong(sections: [.init("a", seconds: 10, levelDB: -6), .init("b", seconds: 10, levelDB: 0)]).render()
        let good = folder.file("good.mp3")
        try AudioFileWriter.write(song, to: good, format: AudioFileFormat(.mp3))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        for seed in 1...6 {
            var d = [UInt8](bytes)
            var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
            for _ in 0..<200 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                d[1000 + Int((state >> 33) % UInt64(d.count - 1000))] = UInt8(truncatingIfNeeded: state >> 17)
            }
            let path = folder.file("bad\(seed).mp3")
            try Data(d.prefix(d.count * 2 / 3)).write(to: URL(fileURLWithPath: path))
            let r = try CLI.run(["analyze", path, "-q"])
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count <= 1 && lines.allSatisfy { $0.hasPrefix("headroom: ") }, "\(seed): \(r.stderr)")
        }
    }
}
