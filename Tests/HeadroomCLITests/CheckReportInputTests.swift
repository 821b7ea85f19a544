import Foundation
import HeadroomTestSupport
import Testing

/// `check` and `report` refuse bad outputs and inputs before any work, with one line, and `report` only
/// draws the session's own files.
@Suite struct CheckReportInputTests {
    @Test func checkRefusesOutputsAndOptionsBeforeAnyWork() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let json = folder.file("r.json")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: json))
        // An existing --json-file: refused before the previews are written (their folder is not even made).
        let r = try CLI.run(["check", mix, "--codecs", "none", "--previews", folder.file("pv"), "--json-file", json])
        #expect(r.status == 1 && r.stderr.contains("r.json: already exists"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("pv")))
        #expect(try String(contentsOfFile: json, encoding: .utf8) == "{}")
        // A preview folder under a regular file.
        let under = try CLI.run(["check", mix, "--codecs", "none", "--previews", json + "/pv"])
        #expect(under.status == 1 && under.stderr.contains("cannot create the folder (Not a directory)"), "\(under.stderr)")
        // Usage errors: exit 2, one line.
        for bad in [["--previews", ""], ["--codecs", "mp3,mp3"], ["--codecs", "none,mp3"], ["--codecs", ""], ["--codecs", ","]] {
            let u = try CLI.run(["check", mix] + bad)
            #expect(u.status == 2, "\(bad): \(u.stderr)")
            #expect(u.stderr.split(separator: "\n").count == 1, "\(bad): \(u.stderr)")
        }
    }

    @Test func aFIFOIsNotAFile() throws {
        let folder = TempFolder()
        let fifo = folder.file("pipe.wav")
        #expect(mkfifo(fifo, 0o644) == 0)
        for command in ["check", "analyze"] {
            let r = try CLI.run([command, fifo])
            #expect(r.status == 1 && r.stderr.contains("not a regular file"), "\(command): \(r.stderr)")
        }
    }

    @Test func aKilledRunsCodecFilesAreRemovedByTheNext() throws {
        let folder = TempFolder()
        let mix = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        let tmp = folder.file("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        // A process that has ended: its pid names the leftover.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/sh")
        gone.arguments = ["-c", "exit 0"]
        try gone.run()
        gone.waitUntilExit()
        let stale = (tmp as NSString).appendingPathComponent("headroom-codec-\(gone.processIdentifier)-X.mp3")
        let alive = (tmp as NSString).appendingPathComponent("headroom-codec-\(getpid())-Y.mp3")
        for p in [stale, alive] { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: p)) }
        let r = try CLI.run(["check", mix, "--codecs", "mp3", "--json"], environment: ["TMPDIR": tmp])
        #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: alive))  // a running process's file is its own
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp)
        #expect(left == [(alive as NSString).lastPathComponent], "\(left)")
    }

    @Test func reportDrawsOnlyTheSessionsFilesAndSaysWhatIsMissing() throws {
        let folder = TempFolder()
        let mixFolder = folder.file("mixes")
        try FileManager.default.createDirectory(atPath: mixFolder, withIntermediateDirectories: true)
        let written = try AnalyzeCommandTests.writeSong(folder, name: "song.wav")
        try FileManager.default.moveItem(atPath: written, toPath: (mixFolder as NSString).appendingPathComponent("song.wav"))
        // Mastered from inside its folder: the session records "song.wav", a relative path.
        let m = try CLI.run(["master", "song.wav", "-o", "song.master.wav", "--codecs", "none", "-q"], in: mixFolder)
        #expect(m.status == 0, "\(m.stderr)")
        let session = (mixFolder as NSString).appendingPathComponent("song.master.wav.headroom.json")
        // From another folder the mix is found beside the session.
        let page = folder.file("page.html")
        let ok = try CLI.run(["report", session, "-o", page], in: folder.path)
        #expect(ok.status == 0, "\(ok.stderr)")
        // An existing page is refused at once.
        let again = try CLI.run(["report", session, "-o", page])
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        // Another file as the mix or as the master.
        let master = (mixFolder as NSString).appendingPathComponent("song.master.wav")
        let mixPath = (mixFolder as NSString).appendingPathComponent("song.wav")
        let wrongMix = try CLI.run(["report", session, "--mix", master, "-o", folder.file("w1.html")])
        #expect(wrongMix.status == 1 && wrongMix.stderr.contains("not the mix this session was made from"), "\(wrongMix.stderr)")
        let wrongMaster = try CLI.run(["report", session, "--master", mixPath, "-o", folder.file("w2.html")])
        #expect(wrongMaster.status == 1 && wrongMaster.stderr.contains("not this session's master"), "\(wrongMaster.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("w1.html")) && !FileManager.default.fileExists(atPath: folder.file("w2.html")))
        // No master beside a copied session: the page is written, and stderr says the master is missing.
        let lone = folder.file("lone.wav.headroom.json")
        try FileManager.default.copyItem(atPath: session, toPath: lone)
        let alone = try CLI.run(["report", lone, "--mix", mixPath])
        #expect(alone.status == 0 && alone.stderr.contains("no master beside the session"), "\(alone.stderr)")
        // Not a session: one line each.
        for (bad, words) in [(folder.path, "is a folder"), ("/dev/null", "not a regular file"), (folder.file("none.json"), "no such session file"),
                             (mixPath, "song.wav.headroom.json")] {
            let r = try CLI.run(["report", bad, "-o", folder.file("x.html")])
            #expect(r.status == 1 && r.stderr.contains(words) && r.stderr.split(separator: "\n").count == 1, "\(bad): \(r.stderr)")
        }
    }
}
