import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomTestSupport
import Testing

/// A master and its session are one deliverable: both land or neither does.
@Suite struct OutputTransactionTests {
    let song = AudioFileRoundTripTests.music()

    func kind(_ body: () throws -> Void) -> AudioFileError.Kind? {
        do { try body(); return nil } catch let e as AudioFileError { return e.kind } catch { return nil }
    }

    @Test func nothingLandsUntilEverythingIsWritten() throws {
        let folder = TempFolder()
        let t = OutputTransaction()
        try t.addAudio(song, to: folder.file("m.wav"), format: AudioFileFormat(.wav))
        try t.addData(Data("{}".utf8), to: folder.file("m.headroom.json"))
        // Only hidden temporaries so far.
        #expect(folder.contents.allSatisfy { $0.hasPrefix(".") && $0.contains(".partial-") })
        try t.commit()
        #expect(folder.contents == ["m.headroom.json", "m.wav"])
    }

    @Test(.enabled(if: TinyDisk.canMount, "needs root to mount a tiny tmpfs"))
    func aSessionThatCannotBeWrittenTakesTheMasterWithIt() throws {
        let folder = TempFolder()
        let disk = try TinyDisk(in: folder, size: "16k")
        // Fill the tiny disk so not even a small session fits.
        FileManager.default.createFile(atPath: disk.path + "/filler", contents: Data(count: 15 * 1024))
        let t = OutputTransaction()
        try t.addAudio(song, to: folder.file("m.wav"), format: AudioFileFormat(.wav))
        #expect(kind { try t.addData(Data(repeating: 65, count: 64 * 1024), to: disk.path + "/m.headroom.json") } == .writeFailed)
        #expect(!folder.contents.contains { $0.hasSuffix(".wav") || $0.contains(".partial-") }, "\(folder.contents)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == ["filler"])
    }

    @Test func forceReplacesOnlyRegularFiles() throws {
        let folder = TempFolder()
        let target = folder.file("real.wav")
        try AudioFileWriter.write(song, to: target, format: AudioFileFormat(.wav))
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.wav"), withDestinationPath: target)
        #expect(mkfifo(folder.file("fifo.wav"), 0o644) == 0)
        for path in [folder.file("link.wav"), folder.file("fifo.wav"), "/dev/full", "/dev/null"] {
            #expect(kind { try AudioFileWriter.write(song, to: path, format: AudioFileFormat(.wav), existing: .overwrite) } == .unwritable, "\(path)")
        }
        var st = stat()
        #expect(lstat(folder.file("link.wav"), &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK)
        #expect(lstat(folder.file("fifo.wav"), &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
        #expect(lstat("/dev/full", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
        // A regular file is replaced with overwrite.
        try AudioFileWriter.write(song, to: target, format: AudioFileFormat(.wav, .int16), existing: .overwrite)
        #expect(try AudioFileReader.read(path: target).info.format == "WAV 16-bit PCM")
    }

    @Test func theSameTargetTwiceIsRefused() throws {
        let folder = TempFolder()
        let t = OutputTransaction()
        try t.addAudio(song, to: folder.file("m.wav"), format: AudioFileFormat(.wav))
        #expect(kind { try t.addAudio(song, to: folder.path + "/./m.wav", format: AudioFileFormat(.wav)) } == .unwritable)
        #expect(folder.contents.isEmpty)
    }

    @Test func staleTemporariesOfDeadRunsAreRemoved() throws {
        let folder = TempFolder()
        // A run killed with SIGKILL left this behind; pid 2^22+1 is above Linux's pid_max default, so not alive.
        let stale = folder.file(".m.wav.partial-4194305")
        FileManager.default.createFile(atPath: stale, contents: Data(count: 100))
        // Another file of the user's that merely looks similar stays.
        FileManager.default.createFile(atPath: folder.file(".other.wav.partial-4194305"), contents: Data(count: 1))
        try AudioFileWriter.write(song, to: folder.file("m.wav"), format: AudioFileFormat(.wav))
        #expect(folder.contents == [".other.wav.partial-4194305", "m.wav"])
    }
}

@Suite struct TagsAndLossyTests {
    let song = AudioFileRoundTripTests.music()

    @Test(arguments: [AudioFileFormat.Container.wav, .aiff, .flac, .ogg, .opus, .mp3])
    func tagsSurviveTheRoundTrip(container: AudioFileFormat.Container) throws {
        let folder = TempFolder()
        let path = folder.file("t.\(container.fileExtension)")
        var tags = AudioTags()
        tags[.title] = "Night Drive"; tags[.artist] = "The Headroomers"; tags[.album] = "First Light"
        tags[.date] = "2026"; tags[.comment] = "mastered with Headroom"; tags[.genre] = "Pop"
        tags[.trackNumber] = "3"; tags[.copyright] = "(c) 2026 The Headroomers"
        let source = container == .opus ? Resampler.resample(song, to: 48_000) : song
        try AudioFileWriter.write(source, to: path, format: AudioFileFormat(container), tags: tags)
        let back = AudioFileReader.readTags(path: path)
        // Every format keeps what libsndfile maps for it.
        let expected = AudioTags.keys(for: container)
        #expect(expected.count >= 4)
        for key in expected { #expect(back[key] == tags[key], "\(container) \(key): \(back[key] ?? "nil")") }
    }

    @Test func mp3IsWrittenAt320kbps() throws {
        let folder = TempFolder()
        let path = folder.file("m.mp3")
        try AudioFileWriter.write(song, to: path, format: AudioFileFormat(.mp3))
        let bytes = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        let kbps = bytes * 8 / song.durationSeconds / 1000
        #expect(kbps > 300 && kbps < 345, "\(kbps) kbps")
        let decoded = try AudioFileReader.read(path: path)
        #expect(abs(decoded.buffer.durationSeconds - song.durationSeconds) < 0.1)
    }

    /// `--bitrate`: each MP3 rate asked for is the rate written (file size over duration, the ID3 tag and
    /// frame headers add a little), at 44.1 and 48 kHz.
    @Test(arguments: [(128, 44_100.0), (192, 48_000), (256, 44_100)])
    func mp3AtTheBitRateAskedFor(kbps: Int, rate: Double) throws {
        let folder = TempFolder()
        let path = folder.file("m.mp3")
        let source = rate == song.sampleRate ? song : Resampler.resample(song, to: rate)
        try AudioFileWriter.write(source, to: path, format: AudioFileFormat(.mp3, bitrateKbps: kbps))
        let bytes = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        let measured = bytes * 8 / source.durationSeconds / 1000
        #expect(measured > Double(kbps) * 0.97 && measured < Double(kbps) * 1.08, "\(kbps) kbps at \(rate): \(measured)")
    }

    @Test func mp3BitRateLevelsLandOnTheRateAskedFor() {
        // libsndfile truncates 320 - level × 288: every MPEG-1 rate must come out exactly.
        for kbps in AudioFileFormat.mp3Bitrates {
            let level = AudioFileFormat.mp3CompressionLevel(kbps: kbps, sampleRate: 44_100)
            #expect((0...1).contains(level))
            #expect(Int(320 - level * 288) == kbps, "\(kbps)")
        }
    }
}
