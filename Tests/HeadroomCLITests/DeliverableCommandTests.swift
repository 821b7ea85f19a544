import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomChecklist
import HeadroomMastering
import HeadroomSignals
import HeadroomTestSupport
import Testing

/// Several deliverables of one mix, options beside a session, safe writes and exit codes.
@Suite struct DeliverableCommandTests {
    static func data(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
    static func lufs(_ path: String) throws -> Double {
        try Analyzer().analyze(AudioFileReader.read(path: path).buffer).loudness.integratedLUFS
    }
    static func session(_ path: String) throws -> Session { try Session.decode(data(path)) }

    @Test func deliverablesOfOneMixLiveInOneFolder() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none"]).status == 0)
        let apple = try CLI.run(["master", mix, "-q", "--codecs", "none", "-o", folder.file("song.apple.wav"), "--target", "apple"])
        #expect(apple.status == 0, "\(apple.stderr)")
        // Same stem, other formats: each has its own session.
        for ext in ["flac", "mp3"] {
            let r = try CLI.run(["master", mix, "-q", "--codecs", "none", "-o", folder.file("song.master.\(ext)")])
            #expect(r.status == 0, "\(ext): \(r.stderr)")
        }
        #expect(Set(folder.contents) == ["song.wav", "song.master.wav", "song.master.wav.headroom.json", "song.apple.wav",
                                         "song.apple.wav.headroom.json", "song.master.flac", "song.master.flac.headroom.json",
                                         "song.master.mp3", "song.master.mp3.headroom.json"])
        // The MP3's verdict is its own: measured on the file decoded again.
        let mp3 = try Self.session(folder.file("song.master.mp3.headroom.json"))
        #expect(mp3.report?.deliveredFormat == "MP3 320 kbps")
        #expect((mp3.report?.deliveredTruePeakDBTP ?? 0) <= -1)
        let decoded = try AudioFileReader.read(path: folder.file("song.master.mp3")).buffer
        #expect(Renderer.truePeakDB(decoded, factor: 8) <= -1 + 1e-6)
        #expect(abs(try Self.lufs(folder.file("song.master.wav")) - -14) <= 0.1)
        #expect(abs(try Self.lufs(folder.file("song.apple.wav")) - -16) <= 0.1)
        #expect(try Self.session(folder.file("song.apple.wav.headroom.json")).plan.target.name == "apple")
        #expect(try Self.session(folder.file("song.master.wav.headroom.json")).plan.target.name == "spotify")
    }

    /// `--bitrate` sets the MP3's constant rate, is kept in the session (a re-render writes it again) and is
    /// refused, with one line, for anything but MP3 or a rate MP3 does not have.
    @Test func bitrateForMP3() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let out = folder.file("song.mp3")
        let r = try CLI.run(["master", mix, "-q", "--codecs", "none", "-o", out, "--bitrate", "192k"])
        #expect(r.status == 0, "\(r.stderr)")
        let duration = try AudioFileReader.read(path: mix).buffer.durationSeconds
        func kbps(_ path: String) throws -> Double {
            Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) * 8 / duration / 1000
        }
        let written = try kbps(out)
        #expect(written > 186 && written < 207, "\(written)")
        let saved = try Self.session(out + ".headroom.json")
        #expect(saved.plan.output.bitrateKbps == 192)
        #expect(saved.report?.deliveredFormat == "MP3 192 kbps")
        #expect((saved.report?.deliveredTruePeakDBTP ?? 0) <= -1)
        // Re-rendered from its session: 192 again.
        let again = folder.file("again.mp3")
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none", "--session", out + ".headroom.json", "-o", again]).status == 0)
        let rewritten = try kbps(again)
        #expect(rewritten > 186 && rewritten < 207, "\(rewritten)")
        for (args, start) in [(["-o", folder.file("x.wav"), "--bitrate", "192"], "headroom: --bitrate applies to MP3"),
                              (["-o", folder.file("x.ogg"), "--bitrate", "192"], "headroom: --bitrate applies to MP3"),
                              (["-o", folder.file("x.mp3"), "--bitrate", "200"], "headroom: --bitrate 200: MP3 bit rates are")] {
            let bad = try CLI.run(["master", mix, "-q"] + args)
            #expect(bad.status == 2 && bad.stderr.hasPrefix(start), "\(args): \(bad.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.wav")))
    }

    /// After edits in the session, the printed plan and the stored decisions describe what is rendered;
    /// a session re-rendered unedited keeps its decisions word for word.
    @Test func editedSettingsAreDescribedInThePlan() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none"]).status == 0)
        let path = folder.file("song.master.wav.headroom.json")
        let original = try Self.session(path)
        // Unedited: the same decisions.
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none", "--session", path, "-o", folder.file("same.wav")]).status == 0)
        #expect(try Self.session(folder.file("same.wav.headroom.json")).plan.decisions == original.plan.decisions)

        var edited = original
        edited.plan.eq.enabled = true
        edited.plan.eq.bands = [EQBand(kind: .bell, frequencyHz: 2500, gainDB: -2.5, q: 1.2)]
        edited.plan.compressor.enabled = true
        edited.plan.compressor.ratio = 2.5
        edited.plan.limiter.lookaheadMilliseconds = 5
        let editedPath = folder.file("edited.json")
        try edited.jsonData().write(to: URL(fileURLWithPath: editedPath))
        let r = try CLI.run(["master", mix, "--codecs", "none", "--session", editedPath, "-o", folder.file("edited.wav")])
        #expect(r.status == 0, "\(r.stderr)")
        for words in ["bell (Q 1.2) −2.5 dB at 2.5 kHz", "glue 2.5∶1", "lookahead 5.0 ms"] {
            #expect(r.stdout.contains(words), "\(words) missing from:\n\(r.stdout)")
        }
        let saved = try Self.session(folder.file("edited.wav.headroom.json")).plan.decisions
        #expect(saved.filter { $0.stage == "eq" }.map(\.summary) == ["bell (Q 1.2) −2.5 dB at 2.5 kHz"])
        #expect(saved.first { $0.stage == "eq" }?.reason.hasPrefix("set in the session") == true || saved.first { $0.stage == "eq" }?.reason.hasPrefix("turned on") == true)
        #expect(saved.first { $0.stage == "compressor" }?.summary.hasPrefix("glue 2.5∶1") == true)
        #expect(saved.first { $0.stage == "limiter" }?.reason.contains("set in the session") == true)
    }

    @Test func optionsBesideASessionApply() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none"]).status == 0)
        let session = folder.file("song.master.wav.headroom.json")
        let r = try CLI.run(["master", mix, "--codecs", "none", "--session", session, "--target", "apple", "--ceiling", "-2",
                             "-o", folder.file("song.apple.flac"), "--bits", "16", "--sample-rate", "48k"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("PLAN — target apple: −16.0 LUFS, ceiling −2.0 dBTP"))
        let (audio, info) = try AudioFileReader.read(path: folder.file("song.apple.flac"))
        #expect(info.format == "FLAC 16-bit PCM" && info.sampleRateHz == 48_000)
        let a = try Analyzer().analyze(audio)
        #expect(abs(a.loudness.integratedLUFS - -16) <= 0.1)
        #expect(a.levels.truePeakDBTP <= -2)
        let saved = try Self.session(folder.file("song.apple.flac.headroom.json"))
        #expect(saved.plan.target.integratedLUFS == -16 && saved.plan.limiter.ceilingDBTP == -2)
        #expect(saved.plan.output.format == "flac" && saved.plan.output.bits == "16")
        #expect(saved.plan.decisions.contains { $0.stage == "loudness" && $0.reason.contains("set on re-render") })
        // The session it came from is untouched.
        #expect(try Self.session(session).plan.target.name == "spotify")
        // Options that would need a new plan are refused, not ignored.
        let refused = try CLI.run(["master", mix, "--session", session, "--even-out", "0.8", "-o", folder.file("x.wav")])
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("headroom: --even-out"), "\(refused.stderr)")
    }

    @Test func severalTargetsFromOneAnalysis() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let r = try CLI.run(["master", mix, "--codecs", "none", "--target", "spotify,apple,ebu-r128"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("SUMMARY (one analysis, 3 masters)"))
        for (name, lufs) in [("spotify", -14.0), ("apple", -16.0), ("ebu-r128", -23.0)] {
            #expect(abs(try Self.lufs(folder.file("song.\(name).wav")) - lufs) <= 0.1, "\(name)")
            #expect(try Self.session(folder.file("song.\(name).wav.headroom.json")).plan.target.name == name)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("song.master.wav")))
    }

    @Test func formatsFromTheExtensionWithTags() throws {
        let folder = TempFolder()
        let song = SyntheticSong(sections: [.init("verse", seconds: 12, levelDB: -6), .init("chorus", seconds: 12, levelDB: 0)]).render()
        let mix = folder.file("tagged.wav")
        try AudioFileWriter.write(song, to: mix, format: AudioFileFormat(.wav), tags: AudioTags([.title: "Night Drive", .artist: "The Headroomers"]))
        for ext in ["aiff", "ogg", "mp3"] {
            let out = folder.file("master-\(ext).\(ext)")
            let r = try CLI.run(["master", mix, "-q", "--codecs", "none", "-o", out, "--tag", "artist=Headroom Band"])
            #expect(r.status == 0, "\(ext): \(r.stderr)")
            let info = try AudioFileReader.read(path: out).info
            #expect(info.format.lowercased().contains(ext == "ogg" ? "vorbis" : ext == "mp3" ? "mp3" : "aiff"), "\(ext): \(info.format)")
            let tags = AudioFileReader.readTags(path: out)
            #expect(tags[.title] == "Night Drive", "\(ext)")
            #expect(tags[.artist] == "Headroom Band", "\(ext)")
        }
        let bad = try CLI.run(["master", mix, "--tag", "mood=happy"])
        #expect(bad.status == 2 && bad.stderr.contains("--tag"))
    }

    @Test func unsafeOutputsAreRefusedAndNothingIsLost() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let before = try Self.data(mix)
        // The session's own name as the output.
        let json = try CLI.run(["master", mix, "-o", folder.file("song.headroom.json")])
        #expect(json.status == 2 && json.stderr.contains(".json is not an audio format"), "\(json.stderr)")
        // --pre-limiter on the output.
        let pre = try CLI.run(["master", mix, "-o", folder.file("m.wav"), "--pre-limiter", folder.file("m.wav")])
        #expect(pre.status == 2 && pre.stderr.contains("--pre-limiter and -o name the same file"), "\(pre.stderr)")
        // --force never replaces a FIFO, a symlink or a device.
        #expect(mkfifo(folder.file("fifo.wav"), 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.wav"), withDestinationPath: folder.file("elsewhere.wav"))
        var targets = [folder.file("fifo.wav"), folder.file("link.wav")]
        // A character device like /dev/full (major 1, minor 7 in Linux's encoding), named like a master (root only).
        #if os(Linux)
        if getuid() == 0 && mknod(folder.file("full.wav"), S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0 { targets.append(folder.file("full.wav")) }
        #endif
        for target in targets {
            let r = try CLI.run(["master", mix, "-q", "--force", "--codecs", "none", "-o", target])
            #expect(r.status == 1, "\(target): \(r.stderr)")
            #expect(r.stderr.contains("regular file"), "\(target): \(r.stderr)")
        }
        #expect(Set(folder.contents) == Set(["song.wav"] + targets.map { ($0 as NSString).lastPathComponent }))
        #expect(try Self.data(mix) == before)
        // A missing output folder is created.
        let nested = try CLI.run(["master", mix, "-q", "--codecs", "none", "-o", folder.file("out/deep/m.flac")])
        #expect(nested.status == 0, "\(nested.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.file("out/deep/m.flac.headroom.json")))
    }

    @Test func exitCodeThreeWhenACheckIsStillOpen() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        // No limiting allowed: the loud target cannot be reached, the master is written and the code says so.
        let r = try CLI.run(["master", mix, "-q", "--codecs", "none", "--target", "loud", "--max-limiting", "0.5"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("missed its target"))
        #expect(FileManager.default.fileExists(atPath: folder.file("song.master.wav")))
        #expect(try Self.session(folder.file("song.master.wav.headroom.json")).report?.targetHit == false)
    }

    @Test func numbersAsReportsPrintThem() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let r = try CLI.run(["master", mix, "-q", "--codecs", "none", "--ceiling", "−1.6", "--lufs", "−15", "--sample-rate", "96k"])
        #expect(r.status == 0, "\(r.stderr)")
        let (audio, info) = try AudioFileReader.read(path: folder.file("song.master.wav"))
        #expect(info.sampleRateHz == 96_000)
        let a = try Analyzer().analyze(audio)
        #expect(abs(a.loudness.integratedLUFS - -15) <= 0.1)
        #expect(a.levels.truePeakDBTP <= -1.6)
    }
}

/// Signals mid-write remove the temporaries; a killed run's leftovers are cleaned by the next run.
@Suite(.serialized) struct SignalCleanupTests {
    /// Starts `master` on a long high-rate mix and sends `sig` once its temporary file appears.
    func interrupt(with sig: Int32, in folder: TempFolder = TempFolder()) throws -> (status: Int32, reason: Process.TerminationReason, left: [String]) {
        // 60 s at 192 kHz: the write takes long enough to be caught in the middle.
        let song = SyntheticSong(sections: [.init("a", seconds: 30, levelDB: -6), .init("b", seconds: 30, levelDB: 0)],
                                 sampleRate: 192_000).render()
        let mix = folder.file("big.wav")
        try AudioFileWriter.write(song, to: mix, format: AudioFileFormat(.wav, .float32))
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = ["master", mix, "-q", "--codecs", "none", "--bits", "32f"]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline {
            if folder.contents.contains(where: { $0.contains(".partial-") }) { kill(p.processIdentifier, sig); break }
            usleep(1_000)
        }
        p.waitUntilExit()
        return (p.terminationStatus, p.terminationReason, folder.contents.filter { $0 != "big.wav" })
    }

    @Test(arguments: [SIGTERM, SIGHUP, SIGINT])
    func aSignalMidWriteLeavesNothing(sig: Int32) throws {
        let r = try interrupt(with: sig)
        // Either the signal came mid-write (exit 128 + signal, nothing left) or the run had already finished whole.
        if r.status == 128 + sig {
            #expect(r.left.isEmpty, "\(r.left)")
        } else {
            #expect(r.status == 0)
            #expect(Set(r.left) == ["big.master.wav", "big.master.wav.headroom.json"], "\(r.left)")
        }
    }

    @Test func aKilledRunsLeftoversAreCleanedByTheNextRun() throws {
        let folder = TempFolder()
        let r = try interrupt(with: SIGKILL, in: folder)
        guard r.reason == .uncaughtSignal else { return }  // finished before the signal: nothing to clean
        #expect(!r.left.isEmpty && r.left.allSatisfy { $0.contains(".partial-") }, "SIGKILL mid-write leaves only temporaries: \(r.left)")
        // The next run of the same command removes the stale temporaries it owns and finishes.
        let again = try CLI.run(["master", folder.file("big.wav"), "-q", "--codecs", "none", "--bits", "32f"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Set(folder.contents) == ["big.wav", "big.master.wav", "big.master.wav.headroom.json"], "\(folder.contents)")
    }
}

/// Every common rate masters end to end with the codec checks (MP3 cannot encode above 48 kHz: the check
/// resamples), and an MP3 deliverable of a high-rate mix is written at a rate MP3 holds.
@Suite struct SampleRateCommandTests {
    @Test(arguments: [44_100.0, 48_000, 88_200, 96_000, 192_000])
    func mastersAtEveryRate(rate: Double) throws {
        let folder = TempFolder()
        let song = SyntheticSong(sections: [.init("verse", seconds: 10, levelDB: -6), .init("chorus", seconds: 10, levelDB: 0)],
                                 sampleRate: rate).render()
        let mix = folder.file("song.wav")
        try AudioFileWriter.write(song, to: mix, format: AudioFileFormat(.wav, .int24))
        let r = try CLI.run(["master", mix, "-q"])
        #expect(r.status == 0, "\(rate): \(r.stderr)")
        let session = try Session.decode(Data(contentsOf: URL(fileURLWithPath: folder.file("song.master.wav.headroom.json"))))
        #expect(session.translation?.codecs.count == 3)
        let (audio, info) = try AudioFileReader.read(path: folder.file("song.master.wav"))
        #expect(info.sampleRateHz == rate)
        #expect(try Analyzer().analyze(audio).levels.truePeakDBTP <= -1)
        if rate > 48_000 {
            let mp3 = try CLI.run(["master", mix, "-q", "--codecs", "none", "-o", folder.file("song.mp3")])
            #expect(mp3.status == 0, "\(rate): \(mp3.stderr)")
            #expect(try AudioFileReader.read(path: folder.file("song.mp3")).info.sampleRateHz == (rate == 88_200 ? 44_100 : 48_000))
        }
    }
}

@Suite struct ReportCommandTests {
    @Test func writesASelfContainedPageBesideTheSession() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none"]).status == 0)
        let r = try CLI.run(["report", folder.file("song.master.wav.headroom.json")])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: folder.file("song.master.wav.report.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        #expect(html.contains("class=\"curve master\"") && html.contains("class=\"curve mix\""))
        #expect(!html.contains("<script") && !html.contains(" src=") && !html.contains("<link"))
        #expect(html.contains("−14.0"))
        // Kept unless --force; a mix that is not the session's is refused.
        #expect(try CLI.run(["report", folder.file("song.master.wav.headroom.json")]).status == 1)
        let other = try AnalyzeCommandTests.writeSong(folder, name: "other.wav")
        try FileManager.default.removeItem(atPath: other)
        try AudioFileWriter.write(SyntheticSong(sections: [.init("a", seconds: 9, levelDB: 0)]).render(), to: other, format: AudioFileFormat(.wav))
        let wrong = try CLI.run(["report", folder.file("song.master.wav.headroom.json"), "--mix", other, "--force"])
        #expect(wrong.status == 1 && wrong.stderr.contains("not the mix this session was made from"), "\(wrong.stderr)")
    }
}

/// `--json` (stdout) and `--json-file FILE` mean the same in every command.
@Suite struct JSONOptionTests {
    @Test func everyCommandPrintsAndWritesTheSameJSON() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let cases: [(String, [String])] = [
            ("analyze", ["analyze", mix]),
            ("check", ["check", mix, "--codecs", "none"]),
            ("master", ["master", mix, "--codecs", "none", "-o", folder.file("m.wav")]),
            ("album", ["album", mix, "-o", folder.file("album")]),
        ]
        for (name, args) in cases {
            let file = folder.file("\(name).json")
            let r = try CLI.run(args + ["--json", "--json-file", file])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let printed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
            #expect(printed != nil && written != nil, "\(name)")
            #expect(NSDictionary(dictionary: printed ?? [:]).isEqual(to: written ?? [:]), "\(name)")
        }
        // Never the input; kept unless --force.
        #expect(try CLI.run(["analyze", mix, "--json-file", mix]).status == 2)
        #expect(try CLI.run(["analyze", mix, "-q", "--json-file", folder.file("analyze.json")]).status == 1)
        #expect(try CLI.run(["analyze", mix, "-q", "--json-file", folder.file("analyze.json"), "--force"]).status == 0)
    }
}

/// The master's report on a terminal: every line fits 100 columns, the RESULT columns line up, the plan is
/// one line per move and `--verbose` adds the reasons.
@Suite struct MasterLayoutTests {
    @Test func fitsOneHundredColumnsAndLinesUp() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let r = try CLI.run(["master", mix])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let wide = lines.filter { $0.count > 100 && !$0.hasPrefix("wrote ") }
        #expect(wide.isEmpty, "\(wide)")
        #expect(!r.stdout.contains("because"))
        // RESULT: on every row the before and after numbers sit in the same two 10-column fields after the
        // 32-column name (a longer name would push them out and this would not parse).
        let rows = lines.drop { !$0.hasPrefix("RESULT") }.dropFirst().prefix { !$0.isEmpty }
            .filter { !$0.contains("gain into the limiter") && !$0.contains("loudness range taken") && !$0.contains("as delivered") && !$0.hasPrefix("   ") }  // not wrapped tails
        func field(_ row: Substring, _ k: Int) -> String {
            String(row.dropFirst(2 + 32 + 10 * k).prefix(10)).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "−", with: "-")
        }
        #expect(rows.count >= 8)
        for row in rows {
            #expect((Double(field(row, 0)) != nil || field(row, 0).hasPrefix("DR")) && (Double(field(row, 1)) != nil || field(row, 1).hasPrefix("DR")),
                    "misaligned: \(row)")
        }
        let verbose = try CLI.run(["master", mix, "--verbose", "--force", "--codecs", "none"])
        #expect(verbose.status == 0 && verbose.stdout.contains("because"))
        #expect(verbose.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 || $0.hasPrefix("wrote ") })
    }
}

/// "Healthy dynamics" is judged by the checklist's own measure and names what took them.
@Suite struct DynamicsVerdictTests {
    static func item(_ sessionPath: String) throws -> ChecklistItem? {
        try Session.decode(Data(contentsOf: URL(fileURLWithPath: sessionPath))).checklist.item(key: "dynamics.healthy")
    }

    @Test func keptWithoutEvenOutAndNamedWhenSectionGainOrTheLimiterTookThem() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        guard try Analyzer().analyze(AudioFileReader.read(path: mix).buffer).loudness.loudnessRangeLU > 4 else { return }
        // A quiet target with no section gain takes little: kept.
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none", "--target", "ebu-r128", "--even-out", "0", "-o", folder.file("keep.wav")]).status == 0)
        let kept = try Self.item(folder.file("keep.wav.headroom.json"))
        #expect(kept == nil || kept?.status == .kept, "\(String(describing: kept))")
        #expect([0, 3].contains(try CLI.run(["master", mix, "-q", "--codecs", "none", "--target", "loud", "-o", folder.file("loud.wav")]).status))
        if let loud = try Self.item(folder.file("loud.wav.headroom.json")) {
            let s = try Session.decode(Data(contentsOf: URL(fileURLWithPath: folder.file("loud.wav.headroom.json"))))
            let limited = s.report!.after.plrDB < 9 && s.report!.after.loudnessRangeLU < 4
            if limited { #expect(loud.status == .stillOpen && loud.action.contains("limited mix"), "\(loud)") }
        }
        // Full even-out at spotify: the sections are levelled, and the verdict says section gain did it.
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none", "--even-out", "1", "-o", folder.file("flat.wav")]).status == 0)
        let flat = try #require(try Self.item(folder.file("flat.wav.headroom.json")))
        #expect(flat.status == .stillOpen && flat.action.contains("Section gain (even-out 1.00)"), "\(flat.action)")
        #expect(flat.action.contains("LRA taken by section gain"), "\(flat.action)")
    }

    /// The loudness range is measured after each stage that shapes dynamics; the stages' shares add up to
    /// what the master lost, and turning a stage off in the session takes its share away.
    @Test func loudnessRangeTakenByEachStage() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let r = try CLI.run(["master", mix, "--codecs", "none", "--even-out", "1", "-o", folder.file("m.wav")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("loudness range taken by section gain"), "\(r.stdout)")
        let session = try DeliverableCommandTests.session(folder.file("m.wav.headroom.json"))
        let report = try #require(session.report)
        let stages = try #require(report.loudnessRangeByStage)
        // The test song's spiky hits get the transient shaper, so it has its own share.
        #expect(stages.map(\.stage) == [.mix, .sectionGain, .chain, .transient, .limiter, .shape])
        #expect(abs(stages[0].loudnessRangeLU - report.before.loudnessRangeLU) < 0.01)
        #expect(abs(stages[stages.count - 1].loudnessRangeLU - report.after.loudnessRangeLU) < 0.01)
        let taken = report.loudnessRangeTaken
        #expect(abs(taken.reduce(0) { $0 + $1.takenLU } - (report.before.loudnessRangeLU - report.after.loudnessRangeLU)) < 0.02)
        // Full even-out takes more than anything else in the chain.
        #expect(taken.max { $0.takenLU < $1.takenLU }?.stage == .sectionGain, "\(taken)")
        // Section gain and compressor off: the chain before the limiter barely changes the range.
        var plain = session
        plain.plan.sectionGain.enabled = false
        plain.plan.compressor.enabled = false
        let edited = folder.file("plain.json")
        try plain.jsonData().write(to: URL(fileURLWithPath: edited))
        #expect(try CLI.run(["master", mix, "-q", "--codecs", "none", "--session", edited, "-o", folder.file("plain.wav")]).status == 0)
        let plainStages = try #require(try DeliverableCommandTests.session(folder.file("plain.wav.headroom.json")).report?.loudnessRangeByStage)
        #expect(plainStages.map(\.stage) == [.mix, .chain, .transient, .limiter, .shape])
        #expect(abs(plainStages[0].loudnessRangeLU - plainStages[1].loudnessRangeLU) < 0.5, "\(plainStages)")
    }
}
