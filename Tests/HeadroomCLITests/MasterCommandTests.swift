import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomSignals
import HeadroomTestSupport
import Testing

@Suite struct MasterCommandTests {
    static func writeSong(_ folder: TempFolder) throws -> String {
        try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
    }

    static func data(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func mastersNextToTheMixWithSessionAndReport() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let before = try Self.data(mix)
        let r = try CLI.run(["master", mix])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("PLAN"))
        #expect(r.stdout.contains("RESULT"))
        #expect(r.stdout.contains("CHECKLIST"))
        #expect(try Self.data(mix) == before)
        let master = folder.file("song.master.wav")
        let (audio, info) = try AudioFileReader.read(path: master)
        #expect(info.format == "WAV 24-bit PCM")
        let a = try Analyzer().analyze(audio)
        #expect(abs(a.loudness.integratedLUFS - -14) <= 0.1)
        #expect(a.levels.truePeakDBTP <= -1)
        let session = try JSONSerialization.jsonObject(with: Self.data(folder.file("song.master.wav.headroom.json"))) as! [String: Any]
        let report = try #require(session["report"] as? [String: Any])
        #expect(report["targetHit"] as? Bool == true)
        #expect(report["ceilingHeld"] as? Bool == true)
        let plan = try #require(session["plan"] as? [String: Any])
        #expect(((plan["decisions"] as? [[String: Any]]) ?? []).count >= 3)
        let items = try #require((session["checklist"] as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.allSatisfy { ["fixed", "kept", "still-open", "noted"].contains($0["status"] as? String ?? "") })
        #expect(items.contains { $0["key"] as? String == "master.ceiling" && $0["status"] as? String == "fixed" })
    }

    @Test func existingOutputsAreKeptUnlessForced() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        #expect(try CLI.run(["master", mix, "-q"]).status == 0)
        let master = try Self.data(folder.file("song.master.wav"))
        let again = try CLI.run(["master", mix, "-q"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        #expect(try Self.data(folder.file("song.master.wav")) == master)
        let forced = try CLI.run(["master", mix, "-q", "--force", "--target", "apple"])
        #expect(forced.status == 0)
        #expect(try Self.data(folder.file("song.master.wav")) != master)
    }

    @Test func sessionReRenderIsByteIdenticalAndEditable() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        #expect(try CLI.run(["master", mix, "-q", "-o", folder.file("a.wav")]).status == 0)
        // The session belongs to the output: a.wav's is a.wav.headroom.json.
        let sessionPath = folder.file("a.wav.headroom.json")
        let b = try CLI.run(["master", mix, "-q", "-o", folder.file("b.wav"), "--session", sessionPath])
        #expect(b.status == 0, "\(b.stderr)")
        #expect(try Self.data(folder.file("a.wav")) == Self.data(folder.file("b.wav")))
        // Without the mix, the session's own mix is re-rendered (not the demo).
        let own = try CLI.run(["master", "-q", "-o", folder.file("own.wav"), "--session", sessionPath])
        #expect(own.status == 0, "\(own.stderr)")
        #expect(try Self.data(folder.file("a.wav")) == Self.data(folder.file("own.wav")))
        // A negative --even-out is a value, refused with its range (not "missing value").
        let negative = try CLI.run(["master", mix, "-q", "--dry-run", "--even-out", "-0.1"])
        #expect(negative.status != 0 && negative.stderr.contains("--even-out must be between 0 and 1"), "\(negative.stderr)")
        // Edit the session: turn the compressor off and add a note; re-render.
        var session = try JSONSerialization.jsonObject(with: Self.data(sessionPath)) as! [String: Any]
        var plan = session["plan"] as! [String: Any]
        var compressor = plan["compressor"] as! [String: Any]
        compressor["enabled"] = false
        plan["compressor"] = compressor
        session["plan"] = plan
        var checklist = session["checklist"] as! [String: Any]
        var items = checklist["items"] as! [[String: Any]]
        items[0]["note"] = "the snare is meant to be loud"
        checklist["items"] = items
        session["checklist"] = checklist
        try JSONSerialization.data(withJSONObject: session).write(to: URL(fileURLWithPath: sessionPath))
        let c = try CLI.run(["master", mix, "-o", folder.file("c.wav"), "--session", sessionPath])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(try Self.data(folder.file("c.wav")) != Self.data(folder.file("a.wav")))
        #expect(c.stdout.contains("note: the snare is meant to be loud"))
        let saved = try JSONSerialization.jsonObject(with: Self.data(folder.file("c.wav.headroom.json"))) as! [String: Any]
        #expect(((saved["plan"] as! [String: Any])["compressor"] as! [String: Any])["enabled"] as? Bool == false)
        // The printed plan and the stored decisions say what was rendered.
        #expect(c.stdout.contains("compressor   off (turned off in the session"))
        let decisions = (saved["plan"] as! [String: Any])["decisions"] as! [[String: Any]]
        #expect(decisions.contains { $0["stage"] as? String == "compressor" && ($0["summary"] as? String ?? "").hasPrefix("off") })
    }

    @Test func dryRunWritesNothing() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let r = try CLI.run(["master", mix, "--dry-run", "--target", "ebu-r128"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("PLAN"))
        #expect(r.stdout.contains("−23.0 LUFS"))
        #expect(r.stdout.contains("dry run"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["song.wav"])
    }

    @Test func formatsBitsRatesAndPreLimiter() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let r = try CLI.run(["master", mix, "-q", "-o", folder.file("m.flac"), "--bits", "16", "--sample-rate", "48000",
                             "--pre-limiter", folder.file("pre.flac")])
        #expect(r.status == 0, "\(r.stderr)")
        let (m, info) = try AudioFileReader.read(path: folder.file("m.flac"))
        #expect(info.format == "FLAC 16-bit PCM" && info.sampleRateHz == 48_000)
        let a = try Analyzer().analyze(m)
        #expect(abs(a.loudness.integratedLUFS - -14) <= 0.1)
        #expect(a.levels.truePeakDBTP <= -1)
        let (pre, _) = try AudioFileReader.read(path: folder.file("pre.flac"))
        #expect(pre.frameCount == m.frameCount)
        #expect(try Analyzer().analyze(pre).loudness.integratedLUFS < -15)
        let mp3 = try CLI.run(["master", mix, "-q", "-o", folder.file("m.mp3"), "--force"])
        #expect(mp3.status == 0, "\(mp3.stderr)")
        #expect(try AudioFileReader.read(path: folder.file("m.mp3")).info.format.contains("MPEG"))
    }

    @Test func negativeLoudnessAndCeilingValues() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let r = try CLI.run(["master", mix, "-q", "--lufs", "-16", "--ceiling", "-1.5"])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try Analyzer().analyze(try AudioFileReader.read(path: folder.file("song.master.wav")).buffer)
        #expect(abs(a.loudness.integratedLUFS - -16) <= 0.1)
        #expect(a.levels.truePeakDBTP <= -1.5)
    }

    @Test func jsonOnStdout() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let r = try CLI.run(["master", mix, "--json", "--target", "deezer"])
        #expect(r.status == 0)
        let session = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let report = session["report"] as! [String: Any]
        #expect(((report["target"] as! [String: Any])["integratedLUFS"] as? Double) == -15)
        #expect(report["targetHit"] as? Bool == true)
    }

    @Test func badArgumentsAndPaths() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let before = try Self.data(mix)
        for args in [["master", mix, "-o", mix], ["master", mix, "--target", "vinyl"], ["master", mix, "--even-out", "2"],
                     ["master", mix, "--bits", "12"], ["master", mix, "-o", folder.file("x.flac"), "--bits", "32f"]] {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
        }
        let unwritable = try CLI.run(["master", mix, "-q", "-o", "/proc/headroom.master.wav"])
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.hasPrefix("headroom: /proc/headroom.master.wav"))
        let missing = try CLI.run(["master", folder.file("nope.wav")])
        #expect(missing.status == 1)
        #expect(try Self.data(mix) == before)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["song.wav"])
    }

    @Test(.enabled(if: TinyDisk.canMount, "needs root to mount a tiny tmpfs"))
    func aFullDiskLeavesNoPartialMaster() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        let disk = try TinyDisk(in: folder, size: "256k")
        let r = try CLI.run(["master", mix, "-q", "-o", disk.path + "/song.master.wav"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no file was left behind") || r.stderr.contains("disk full"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path).isEmpty)
    }

    /// A mix over `--in-memory-mib` is read from its file for every pass, resampled on the way to a new rate
    /// (Opus: 48 kHz). What cannot be rendered from the file (a pre-limiter print) reads the mix whole
    /// instead, and works.
    @Test func aMixOverTheMemoryLimitIsMasteredFromItsFile() throws {
        let folder = TempFolder()
        let mix = try Self.writeSong(folder)
        for (name, extra) in [("plain.wav", []), ("48k.wav", ["--sample-rate", "48k"])] {
            let held = try CLI.run(["master", mix, "-q", "-o", folder.file("held-" + name), "--codecs", "none"] + extra)
            let file = try CLI.run(["master", mix, "-q", "-o", folder.file("file-" + name), "--codecs", "none", "--in-memory-mib", "0"] + extra)
            #expect(held.status == 0 && file.status == 0, "\(file.stderr)")
            // The same master and session, byte for byte (the session names its own file nowhere).
            #expect(try Self.data(folder.file("file-" + name)) == Self.data(folder.file("held-" + name)), "\(name)")
            #expect(try Self.data(folder.file("file-" + name + ".headroom.json")) == Self.data(folder.file("held-" + name + ".headroom.json")))
        }
        let opus = try CLI.run(["master", mix, "-q", "-o", folder.file("file.opus"), "--codecs", "none", "--in-memory-mib", "0"])
        #expect(opus.status == 0, "\(opus.stderr)")
        #expect(try AudioFileReader.read(path: folder.file("file.opus")).info.sampleRateHz == 48_000)
        let pre = try CLI.run(["master", mix, "-q", "-o", folder.file("pre.wav"), "--codecs", "none", "--in-memory-mib", "0",
                               "--pre-limiter", folder.file("pre.print.wav")])
        #expect(pre.status == 0, "\(pre.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.file("pre.print.wav")))
        let bad = try CLI.run(["master", mix, "--in-memory-mib", "-5"])
        #expect(bad.status == 2 && bad.stderr.contains("--in-memory-mib must be from 0 to 1048576"), "\(bad.stderr)")
    }

    /// A lossy master decoded over its ceiling is rendered again with the ceiling lowered. From a mix read
    /// from its file it is rendered into a hidden float WAV and encoded from there: the same MP3, byte for
    /// byte, as from the mix in memory, and nothing else left in the folder.
    @Test func aLossyMasterOverItsCeilingIsRenderedAgainAlsoFromTheFile() throws {
        let folder = TempFolder()
        let song = SyntheticSong.demo().render()
        let mix = folder.file("demo.wav")
        try AudioFileWriter.write(song.slice(0..<Int(40 * song.sampleRate)), to: mix, format: AudioFileFormat(.wav, .int24))
        let options = ["-q", "--codecs", "mp3", "--bitrate", "128", "--ceiling", "-0.3"]
        let held = try CLI.run(["master", mix, "-o", folder.file("held.mp3")] + options)
        let file = try CLI.run(["master", mix, "-o", folder.file("file.mp3"), "--in-memory-mib", "0"] + options)
        #expect(held.status == 0 && file.status == 0, "\(held.stderr) \(file.stderr)")
        #expect(try Self.data(folder.file("file.mp3")) == Self.data(folder.file("held.mp3")))
        for name in ["held.mp3", "file.mp3"] {
            let session = try JSONSerialization.jsonObject(with: Self.data(folder.file(name + ".headroom.json"))) as! [String: Any]
            let decisions = ((session["plan"] as? [String: Any])?["decisions"] as? [[String: Any]]) ?? []
            #expect(decisions.contains { ($0["summary"] as? String ?? "").hasPrefix("limiter ceiling lowered") }, "\(name)")
            let report = try #require(session["report"] as? [String: Any])
            #expect((report["deliveredTruePeakDBTP"] as? Double ?? 0) <= -0.3, "\(name)")
            let codecs = ((session["translation"] as? [String: Any])?["codecs"] as? [[String: Any]]) ?? []
            #expect(codecs.count == 1, "\(name): the codec check read its windows")
        }
        let a = try JSONSerialization.jsonObject(with: Self.data(folder.file("held.mp3.headroom.json"))) as! [String: Any]
        let b = try JSONSerialization.jsonObject(with: Self.data(folder.file("file.mp3.headroom.json"))) as! [String: Any]
        let codecs = { (s: [String: Any]) in ((s["translation"] as? [String: Any])?["codecs"] as? [[String: Any]]) ?? [] }
        #expect(codecs(a).map { NSDictionary(dictionary: $0) } == codecs(b).map { NSDictionary(dictionary: $0) }, "the same windows, encoded alike")
        #expect(folder.contents == ["demo.wav", "file.mp3", "file.mp3.headroom.json", "held.mp3", "held.mp3.headroom.json"])
    }
}
