import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSignals
import HeadroomTestSupport
import Testing

/// `headroom master --reference` as a user runs it.
@Suite struct ReferenceCommandTests {
    /// A reference: the test song, brighter (+5 dB above 4 kHz) and 4 dB hotter.
    static func writeReference(_ folder: TempFolder, name: String = "ref.wav", shelfDB: Double = 5) throws -> String {
        var audio = try AudioFileReader.read(path: AnalyzeCommandTests.writeSong(folder, name: "tmp-\(name)")).buffer
        let eq = ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [EQBand(kind: .highShelf, frequencyHz: 4000, gainDB: shelfDB)]))
        eq.prepare(ProcessSpec(sampleRate: audio.sampleRate, maxFrameCount: 4096, channelCount: 2))
        audio.process(with: eq, blockSize: 4096)
        let path = folder.file(name)
        try AudioFileWriter.write(audio, to: path, format: AudioFileFormat(.wav, .int24))
        return path
    }

    @Test func mastersTowardsAReferenceAndReportsTheDistances() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let ref = try Self.writeReference(folder)
        let refBytes = try Data(contentsOf: URL(fileURLWithPath: ref))
        let r = try CLI.run(["master", mix, "--reference", ref, "--match", "eq=1,dynamics=0.5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("REFERENCE ref.wav"))
        #expect(r.stdout.contains("match EQ"))

        #expect(try Data(contentsOf: URL(fileURLWithPath: ref)) == refBytes)
        let session = try Session.decode(Data(contentsOf: URL(fileURLWithPath: folder.file("song.master.wav.headroom.json"))))
        let m = try #require(session.report?.match)
        #expect(m.after.tonalDB < 0.5 * m.before.tonalDB, "\(m.before.tonalDB) → \(m.after.tonalDB)")
        #expect(session.plan.match?.refined == true)
        #expect(session.checklist.item(key: "match.tone")?.status == .fixed)
        // The target is the reference's loudness, named as such (not "a spotify matched to … target").
        let title = try #require(session.checklist.item(key: "master.loudness")?.title)
        #expect(title.contains("for the target of") && title.hasSuffix("(spotify matched to the reference)"), "\(title)")
        #expect(session.report?.ceilingHeld == true)
        // Re-rendering the session gives the same bytes (the refined EQ is kept, not refined again).
        let again = try CLI.run(["master", mix, "-q", "--session", folder.file("song.master.wav.headroom.json"), "-o", folder.file("again.wav")])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("again.wav"))) == Data(contentsOf: URL(fileURLWithPath: folder.file("song.master.wav"))))
    }

    /// An explicit target is what the master hits; without one the reference's loudness is followed, and
    /// `--match loudness=…` asks for it even with a target.
    @Test func anExplicitTargetWinsOverTheReferencesLoudness() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let ref = try Self.writeReference(folder)
        let refLUFS = try Analyzer().analyze(AudioFileReader.read(path: ref).buffer).loudness.integratedLUFS
        /// The loudness the plan aimed the master at (the limiting guard may stop a master short of it).
        func aim(_ extra: [String], _ out: String) throws -> Double {
            let r = try CLI.run(["master", mix, "-q", "--codecs", "none", "--reference", ref, "-o", folder.file(out)] + extra)
            #expect([0, 3].contains(r.status), "\(r.stderr)")
            return try Session.decode(Data(contentsOf: URL(fileURLWithPath: folder.file(out + ".headroom.json")))).plan.target.integratedLUFS
        }
        try #require(abs(refLUFS - -14) > 1.5, "the reference must sit away from the spotify target: \(refLUFS)")
        #expect(try aim(["--target", "spotify"], "explicit.wav") == -14)
        #expect(try aim(["--lufs", "-16"], "lufs.wav") == -16)
        let followed = try aim([], "followed.wav")
        #expect(abs(followed - refLUFS) < 0.2, "\(followed) follows the reference's \(refLUFS)")
        #expect(abs(try aim(["--target", "spotify", "--match", "loudness=1"], "asked.wav") - followed) < 0.01)
    }

    @Test func severalReferencesBlendByWeight() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let bright = try Self.writeReference(folder, name: "bright.wav", shelfDB: 6)
        let dark = try Self.writeReference(folder, name: "dark.wav", shelfDB: -6)
        let r = try CLI.run(["master", mix, "--reference", bright, "--reference", dark, "--weight", "0.75,0.25", "--match-on", "whole",
                             "--json", "-o", folder.file("m.wav")])
        #expect(r.status == 0, "\(r.stderr)")
        let session = try Session.decode(Data(r.stdout.utf8))
        #expect(session.plan.match?.mix.sections.count == 1 && session.plan.match?.mix.sections[0].startSeconds == 0)
        let name = try #require(session.report?.match?.referenceName)
        #expect(name.contains("bright.wav 75 %") && name.contains("dark.wav 25 %"))
        // Mostly the bright one: the EQ lifts the highs.
        let eq = session.plan.eq.bands
        #expect(EQFit.responseDB(eq, atHz: 8000, sampleRate: 44_100) > EQFit.responseDB(eq, atHz: 500, sampleRate: 44_100) + 1)
    }

    @Test func badReferenceArguments() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let ref = try Self.writeReference(folder)
        let notAudio = folder.file("notes.wav")
        try Data("not audio at all".utf8).write(to: URL(fileURLWithPath: notAudio))
        let cases: [([String], String)] = [
            (["master", mix, "--reference", notAudio], "notes.wav"),
            (["master", mix, "--reference", folder.file("missing.wav")], "missing.wav"),
            (["master", mix, "--reference", ref, "--weight", "0.5,0.5"], "--weight"),
            (["master", mix, "--reference", ref, "--match", "eq=2"], "--match"),
            (["master", mix, "--reference", ref, "--match", "sparkle=1"], "sparkle"),
            (["master", mix, "--match", "eq=1"], "need --reference"),
            (["master", mix, "--match-on", "whole"], "--match-on needs --reference"),
            (["master", mix, "--reference", ref, "--match-on", "chorus"], "chorus"),
            (["master", mix, "--reference", ref, "-o", ref], "reference"),
            (["master", mix, "--reference", mix], "is the mix itself"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("song.master.wav")))
    }
}
