import Foundation
import HeadroomIO
import HeadroomMastering
import HeadroomTestSupport
import HeadroomTranslation
import Testing

/// `headroom check` as a user runs it, and the translation part of `headroom master`.
@Suite struct CheckCommandTests {
    @Test func checksSpeakersPlatformsCodecsAndWritesPreviews() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let before = try Data(contentsOf: URL(fileURLWithPath: mix))
        let previews = folder.file("previews")
        let r = try CLI.run(["check", mix, "--previews", previews])
        #expect(r.status == 0, "\(r.stderr)")
        for word in ["SPEAKERS", "phone", "car", "mono", "PLATFORMS", "Spotify", "CODECS", "MP3", "Ogg Vorbis", "Ogg Opus", "TRANSLATION CHECKLIST"] {
            #expect(r.stdout.contains(word), "\(word)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: mix)) == before)
        for model in SpeakerModel.all {
            let path = (previews as NSString).appendingPathComponent("song.\(model.name).wav")
            let (audio, info) = try AudioFileReader.read(path: path)
            #expect(info.format == "WAV 24-bit PCM")
            #expect(audio.frameCount > 44_100 * 40)
            let identical = audio.channels[0] == audio.channels[1]
            #expect(identical == model.mono, "\(model.name)")
        }
        // Existing previews are kept unless --force.
        let again = try CLI.run(["check", mix, "--previews", previews, "--codecs", "none"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        #expect(try CLI.run(["check", mix, "--previews", previews, "--codecs", "none", "--force", "-q"]).status == 0)
    }

    @Test func jsonReport() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let r = try CLI.run(["check", mix, "--json", "--codecs", "mp3"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONDecoder().decode(TranslationReport.self, from: Data(r.stdout.utf8))
        #expect(report.speakers.count == SpeakerModel.all.count)
        #expect(report.platforms.count == Platform.all.count)
        #expect(report.codecs.map(\.codec) == ["MP3"])
        #expect(report.speakers.first { $0.name == "phone" }!.loudnessChangeLU < -3)
    }

    @Test func badInputs() throws {
        let folder = TempFolder()
        let notAudio = folder.file("text.wav")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notAudio))
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let cases: [([String], Int32, String)] = [
            (["check", notAudio], 1, "text.wav"),
            (["check", folder.file("missing.wav")], 1, "missing.wav"),
            (["check", mix, "--codecs", "aac"], 2, "aac"),
            (["check", mix, "--previews", mix], 2, "--previews"),
        ]
        for (args, status, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status == status, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }

    @Test func everyMasterReportHasItsTranslation() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let r = try CLI.run(["master", mix])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("TRANSLATION"))
        let session = try Session.decode(Data(contentsOf: URL(fileURLWithPath: folder.file("song.master.wav.headroom.json"))))
        let t = try #require(session.translation)
        #expect(t.codecs.count == 3)
        // At −14 LUFS Spotify plays the master as it is.
        #expect(abs(t.platforms.first { $0.name == "Spotify" }!.gainDB) < 0.15)
    }
}

@Suite struct CheckExitCodeTests {
    /// A master hot against 0 dBTP goes over after MP3 decoding: `check` says so with exit code 3, and prints
    /// the file's loudness and true peak first.
    @Test func codecOversExitThree() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        // Written either way (3: the limiting guard stopped short of -9 LUFS); what matters is a master near 0 dBTP.
        #expect([0, 3].contains(try CLI.run(["master", mix, "-q", "--codecs", "none", "--target", "loud", "--ceiling", "-0.1"]).status))
        let r = try CLI.run(["check", folder.file("song.master.wav"), "--codecs", "mp3"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("MP3 decoding goes over"))
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count > 2 && lines[1].hasPrefix("integrated −") && lines[1].contains("true peak"))
    }
}
