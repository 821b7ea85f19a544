import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSession
import HeadroomSignals
import HeadroomTestSupport
import Testing

/// A long mix is read from its file for every pass instead of held in memory: the file hands over exactly
/// the samples the reader decoded, from any frame; the plan and the master made from it are those made
/// from the same audio in memory (rendered live, as a long mix is).
@Suite struct FileSourceTests {
    static let song: AudioBuffer = {
        var s = SyntheticSong(sections: [
            .init("verse", seconds: 10, levelDB: -6),
            .init("chorus", seconds: 10, levelDB: 0, bright: true),
            .init("bridge", seconds: 8, levelDB: -9, drums: false),
        ])
        s.peakDBFS = -3
        return s.render()
    }()

    /// Writes the song at `format` and reads it back whole (what the file decodes to).
    static func written(_ folder: TempFolder, _ format: AudioFileFormat, name: String) throws -> (path: String, audio: AudioBuffer) {
        let path = folder.file(name)
        try AudioFileWriter.write(song, to: path, format: format)
        return (path, try AudioFileReader.read(path: path).buffer)
    }

    static func read(_ source: AudioFileSource, _ range: Range<Int>) -> [[Float]] {
        var channels = [[Float]](repeating: [], count: source.channelCount)
        source.forEachBlock(range) { block in for c in block.indices { channels[c].append(contentsOf: block[c]) } }
        return channels
    }

    final class Collector: MasterSink {
        var channels: [[Float]] = []
        func restart() { channels = [] }
        func add(_ block: [UnsafeBufferPointer<Float>]) {
            if channels.isEmpty { channels = block.map { _ in [] } }
            for c in block.indices { channels[c].append(contentsOf: block[c]) }
        }
    }

    @Test func readsTheDecodedSamplesFromAnyFrame() throws {
        let folder = TempFolder()
        for (format, name) in [(AudioFileFormat(.wav, .int24), "mix.wav"), (AudioFileFormat(.flac, .int16), "mix.flac"),
                               (AudioFileFormat(.wav, .float32), "float.wav")] {
            let (path, audio) = try Self.written(folder, format, name: name)
            let source = try #require(AudioFileSource(path: path), "\(name)")
            #expect(source.frameCount == audio.frameCount && source.channelCount == 2 && source.sampleRate == audio.sampleRate)
            let n = audio.frameCount
            // Across the reader's 65,536-frame chunks, from a frame inside one, and the very end.
            for range in [0..<n, 12_345..<200_001, (n - 10)..<n] {
                #expect(Self.read(source, range) == audio.slice(range).channels, "\(name) \(range)")
            }
            #expect(source.failure == nil)
        }
    }

    @Test func lossyFilesAreNotReadBack() throws {
        let folder = TempFolder()
        let (path, _) = try Self.written(folder, AudioFileFormat(.ogg, .int16), name: "mix.ogg")
        #expect(AudioFileSource(path: path) == nil, "a lossy mix is held in memory")
        #expect(try Mix.analyzedFromFile(path, limitBytes: 0)?.mix.info.frameCount == nil, "nothing was read")
    }

    @Test func aFileCutWhileItIsReadIsReported() throws {
        let folder = TempFolder()
        let (path, audio) = try Self.written(folder, AudioFileFormat(.wav, .int16), name: "cut.wav")
        let source = try #require(AudioFileSource(path: path))
        // Cut to about half its frames after it was opened (another program re-exporting over it).
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 44 + UInt64(audio.frameCount / 2) * 4)
        try handle.close()
        let channels = Self.read(source, 0..<audio.frameCount)
        #expect(channels[0].count == audio.frameCount, "the frames it could not read are silence")
        #expect(channels[0].suffix(1000).allSatisfy { $0 == 0 })
        let failure = try #require(source.failure)
        #expect(failure.description.contains("changed while it was being mastered"), "\(failure)")
    }

    @Test(arguments: ["spotify", "loud"])
    func planAndMasterFromTheFileAreThoseFromMemory(preset: String) throws {
        let folder = TempFolder()
        let (path, audio) = try Self.written(folder, AudioFileFormat(.wav, .float32), name: "mix.wav")
        let analysis = try Analyzer().analyze(audio)
        let checklist = ChecklistRules.evaluate(analysis)
        let planner = Planner(options: .init(target: LoudnessTarget.presets[preset]!))
        let source = try #require(AudioFileSource(path: path))
        let plan = planner.plan(analysis: analysis, checklist: checklist, audio: audio)
        #expect(planner.plan(analysis: analysis, checklist: checklist, source: source) == plan, "\(preset)")
        if preset == "loud" { #expect(plan.compressor.enabled, "the compressor is calibrated on the file's sections") }
        let live = Collector(), file = Collector()
        let inMemory = Renderer.render(audio, plan: plan, streamingTo: live, storedLimitBytes: 0)
        let fromFile = Renderer.render(source: source, plan: plan, streamingTo: file)
        #expect(file.channels.count == 2 && file.channels[0].count == audio.frameCount)
        #expect(file.channels == live.channels, "\(preset): the same samples")
        #expect(fromFile.plan == inMemory.plan)
        #expect(MasterJob.ditherSeed(source) == MasterJob.ditherSeed(audio))
        #expect(source.failure == nil)
    }

    /// The job with a mix read from its file: the master of the mix in memory, byte for byte; a file cut
    /// between the analysis and the render is one line and nothing is written.
    @Test func aJobFromTheFileWritesTheMasterOfTheMixInMemory() throws {
        let folder = TempFolder()
        let (path, _) = try Self.written(folder, AudioFileFormat(.wav, .int16), name: "mix.wav")
        let (held, analysis) = try Mix.loadAnalyzed(path)
        let (long, sameAnalysis) = try #require(try Mix.analyzedFromFile(path, limitBytes: 0))
        #expect(long.file != nil && long.audio.frameCount == 0, "not held")
        #expect(sameAnalysis.loudness.integratedLUFS == analysis.loudness.integratedLUFS)
        let checklist = ChecklistRules.evaluate(analysis)
        let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: analysis, checklist: checklist, audio: held.audio)
        func job(_ mix: Mix, _ name: String) -> MasterJob {
            var j = MasterJob(mix: mix, analysis: analysis, checklist: checklist, plan: plan,
                              deliverable: Deliverable(path: folder.file(name), format: AudioFileFormat(.wav, .int24)), toolVersion: "test")
            j.codecs = [.mp3]
            return j
        }
        let a = try job(held, "held.wav").run(), b = try job(long, "file.wav").run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("held.wav"))) == Data(contentsOf: URL(fileURLWithPath: folder.file("file.wav"))))
        #expect(a.session.report == b.session.report && a.translation.codecs == b.translation.codecs)

        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 44 + 44_100 * 4)
        try handle.close()
        #expect {
            _ = try job(long, "cut.wav").run()
        } throws: { error in
            (error as? JobError)?.message.contains("changed while it was being mastered") == true
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("cut.wav")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("cut.wav.headroom.json")))
    }

    /// A reference match renders twice: the first render works in the mix's own memory and the master is
    /// rendered from the file read again (the song in memory once, not twice): the same master, byte for
    /// byte, as a job that copies the mix; a file changed in between is one line, and nothing is written.
    @Test func aMatchsFirstRenderBorrowsTheMixAndReadsItAgain() throws {
        let folder = TempFolder()
        let (path, _) = try Self.written(folder, AudioFileFormat(.wav, .int16), name: "mix.wav")
        let (held, analysis) = try Mix.loadAnalyzed(path)
        var bright = Self.song
        let shelf = ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [EQBand(kind: .highShelf, frequencyHz: 6000, gainDB: 4)]))
        shelf.prepare(ProcessSpec(sampleRate: bright.sampleRate, maxFrameCount: 4096, channelCount: bright.channelCount))
        bright.process(with: shelf)
        var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.reference = ReferenceProfile.measure(bright, analysis: try Analyzer().analyze(bright), name: "bright")
        let checklist = ChecklistRules.evaluate(analysis)
        let plan = Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: held.audio)
        #expect(Renderer.refinesMatch(plan))
        func job(_ mix: Mix, _ name: String) -> MasterJob {
            MasterJob(mix: mix, analysis: analysis, checklist: checklist, plan: plan,
                      deliverable: Deliverable(path: folder.file(name), format: AudioFileFormat(.wav, .int24)), toolVersion: "test")
        }
        var copied = held
        copied.path = nil  // nothing to read again: the first render runs on a copy
        #expect(held.canReadAgain && held.receipt() != nil && copied.receipt() == nil)
        let a = try job(held, "borrowed.wav").run(), b = try job(copied, "copied.wav").run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("borrowed.wav"))) == Data(contentsOf: URL(fileURLWithPath: folder.file("copied.wav"))))
        #expect(a.session.report == b.session.report)
        let match = try #require(a.session.report?.match)
        #expect(match.after.tonalDB < match.before.tonalDB, "\(match.before.tonalDB) → \(match.after.tonalDB)")

        // Taken, then read again: the same audio.
        var taken = held
        let receipt = try #require(taken.receipt())
        let audio = taken.takeAudio()
        #expect(audio.channels == held.audio.channels && taken.audio.frameCount == 0)
        try taken.readAgain(receipt)
        #expect(taken.audio.channels == held.audio.channels, "the same audio read again")
        // Changed on disk (the same length and levels, other samples): reading it again says so. Polarity
        // inverted: every sample's sign flipped (a hash whose flips cancel would miss it).
        let changed = AudioBuffer(sampleRate: Self.song.sampleRate, channels: Self.song.channels.map { $0.map { -$0 } })
        try AudioFileWriter.write(changed, to: path, format: AudioFileFormat(.wav, .int16), existing: .overwrite)
        var again = held
        let second = try #require(again.receipt())
        _ = again.takeAudio()
        #expect {
            try again.readAgain(second)
        } throws: { error in
            (error as? JobError)?.message.contains("changed while it was being mastered") == true
        }
        #expect {
            _ = try job(held, "changed.wav").run()
        } throws: { error in
            (error as? JobError)?.message.contains("changed while it was being mastered") == true
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("changed.wav")))
    }

    /// A reference is analyzed as it is read and read again for its span's frames, never held whole: the
    /// same profile as measuring it decoded whole, for either span and a lossy file too.
    @Test func aReferenceReadTwiceIsTheReferenceDecodedWhole() throws {
        let folder = TempFolder()
        for format in [AudioFileFormat(.wav, .int24), AudioFileFormat(.ogg)] {
            let (path, audio) = try Self.written(folder, format, name: "reference.\(format.container.rawValue)")
            let analysis = try Analyzer().analyze(audio)
            for span in ReferenceProfile.Span.allCases {
                let streamed = try References.measure(path, span: span)
                let whole = ReferenceProfile.measure(audio, analysis: analysis, name: "reference.\(format.container.rawValue)", span: span)
                #expect(streamed == whole, "\(format) \(span)")
                #expect(streamed.sections.count == (span == .whole ? 1 : ReferenceProfile.loudPart(analysis).count))
            }
        }
    }

    /// A lossy master of a mix held in memory streams too (rendered into a hidden float WAV, encoded from
    /// there, never held whole): a retry at a lower ceiling reads the mix's file again. The same file, plan
    /// and report as the master kept in memory; the demo mix (no file to read again) is kept.
    @Test func aLossyMasterOfAMixInMemoryStreamsAndRetriesFromTheFile() throws {
        let folder = TempFolder()
        var short = SyntheticSong(sections: [.init("verse", seconds: 4, levelDB: -6), .init("chorus", seconds: 6, levelDB: 0, bright: true)])
        short.peakDBFS = -3
        let path = folder.file("mix.wav")
        try AudioFileWriter.write(short.render(), to: path, format: AudioFileFormat(.wav, .int16))
        let (held, analysis) = try Mix.loadAnalyzed(path)
        let checklist = ChecklistRules.evaluate(analysis)
        let plan = Planner(options: .init(target: LoudnessTarget.presets["loud"]!)).plan(analysis: analysis, checklist: checklist, audio: held.audio)
        // A streaming-grade VBR MP3: the encoder overshoots the ceiling, and the job renders again.
        let mp3 = AudioFileFormat(.mp3, compressionLevel: 0.9, constantBitrate: false)
        func job(_ mix: Mix, _ name: String, keeps: Bool) -> MasterJob {
            var j = MasterJob(mix: mix, analysis: analysis, checklist: checklist, plan: plan,
                              deliverable: Deliverable(path: folder.file(name), format: mp3), toolVersion: "test")
            j.keepsAudio = keeps
            return j
        }
        let streamed = job(held, "streamed.mp3", keeps: false), kept = job(held, "kept.mp3", keeps: true)
        #expect(streamed.streams && !kept.streams)
        let a = try streamed.run(), b = try kept.run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("streamed.mp3"))) == Data(contentsOf: URL(fileURLWithPath: folder.file("kept.mp3"))))
        #expect(a.session.plan == b.session.plan)
        #expect(a.session.checklist.items.map(\.status) == b.session.checklist.items.map(\.status))
        #expect(abs(a.session.report!.after.integratedLUFS - b.session.report!.after.integratedLUFS) < 1e-9)
        #expect(a.session.report!.deliveredTruePeakDBTP == b.session.report!.deliveredTruePeakDBTP)
        #expect(a.session.plan.decisions.contains { $0.summary.hasPrefix("limiter ceiling lowered") }, "rendered again")
        #expect(folder.contents.filter { $0.hasSuffix(".render.wav") }.isEmpty, "no hidden render left")
        let demo = try Mix.load(nil)
        #expect(!demo.canReadAgain && !job(demo, "demo.mp3", keeps: false).streams)
    }

    /// Several targets of one mix held whole: only the first job keeps the audio, the others read the file
    /// again when their turn comes (each render then works in the audio's own memory): the same masters as
    /// jobs that all share the audio; nothing to share for one job, or a mix that cannot be read again.
    @Test func severalTargetsTakeTurnsWithTheMix() throws {
        let folder = TempFolder()
        let (path, _) = try Self.written(folder, AudioFileFormat(.wav, .int16), name: "mix.wav")
        let (held, analysis) = try Mix.loadAnalyzed(path)
        let checklist = ChecklistRules.evaluate(analysis)
        func jobs(_ prefix: String, _ mix: Mix) -> [MasterJob] {
            ["spotify", "apple"].map { preset in
                let plan = Planner(options: .init(target: LoudnessTarget.presets[preset]!)).plan(analysis: analysis, checklist: checklist, audio: held.audio)
                return MasterJob(mix: mix, analysis: analysis, checklist: checklist, plan: plan,
                                 deliverable: Deliverable(path: folder.file("\(prefix).\(preset).wav"), format: AudioFileFormat(.wav, .int24)), toolVersion: "test")
            }
        }
        var taking = jobs("turns", held)
        let receipt = MasterJob.shareOneMix(&taking)
        #expect(receipt != nil && taking[0].mix.audio.frameCount == held.audio.frameCount && taking[1].mix.audio.frameCount == 0)
        for var job in taking {
            try job.takeTurn(receipt)
            #expect(job.mix.audio.channels == held.audio.channels)
            _ = try job.run()
        }
        for job in jobs("shared", held) { _ = try job.run() }
        for preset in ["spotify", "apple"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("turns.\(preset).wav")))
                    == Data(contentsOf: URL(fileURLWithPath: folder.file("shared.\(preset).wav"))), "\(preset)")
        }
        var one = [jobs("one", held)[0]]
        #expect(MasterJob.shareOneMix(&one) == nil)
        var demo = jobs("demo", try Mix.load(nil))
        #expect(MasterJob.shareOneMix(&demo) == nil && demo[1].mix.audio.frameCount > 0)
    }

    /// A pre-limiter print streams with the master when the render keeps the chain's output (a mix held in
    /// memory): the same two files as the job that keeps everything; a mix read from its file keeps the old way.
    @Test func aPreLimiterPrintStreamsWithTheMaster() throws {
        let folder = TempFolder()
        let (path, _) = try Self.written(folder, AudioFileFormat(.wav, .int16), name: "mix.wav")
        let (held, analysis) = try Mix.loadAnalyzed(path)
        let checklist = ChecklistRules.evaluate(analysis)
        let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: analysis, checklist: checklist, audio: held.audio)
        func job(_ mix: Mix, _ name: String, keeps: Bool) -> MasterJob {
            var j = MasterJob(mix: mix, analysis: analysis, checklist: checklist, plan: plan,
                              deliverable: Deliverable(path: folder.file(name + ".wav"), format: AudioFileFormat(.wav, .int24),
                                                       preLimiterPath: folder.file(name + ".pre.wav")),
                              toolVersion: "test")
            j.keepsAudio = keeps
            return j
        }
        let streamed = job(held, "streamed", keeps: false), kept = job(held, "kept", keeps: true)
        #expect(streamed.streams && !kept.streams)
        _ = try streamed.run()
        _ = try kept.run()
        for suffix in [".wav", ".pre.wav"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("streamed" + suffix)))
                    == Data(contentsOf: URL(fileURLWithPath: folder.file("kept" + suffix))), "\(suffix)")
        }
        let (long, _) = try #require(try Mix.analyzedFromFile(path, limitBytes: 0))
        #expect(!job(long, "long", keeps: false).streams)
    }
}
