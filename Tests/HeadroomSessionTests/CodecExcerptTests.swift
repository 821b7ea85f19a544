import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSession
import HeadroomSignals
import HeadroomTestSupport
import HeadroomTranslation
import Testing

@Suite struct CodecExcerptTests {
    /// The windows go where the peaks are, wherever they are in the song.
    @Test func windowsCoverTheHighestPeaksAnywhere() {
        let sr = 44_100.0
        var x = Signals.sine(frequencyHz: 440, amplitudeDBFS: -20, seconds: 60, sampleRate: sr)
        for t in [5.0, 17.0, 33.0, 41.0, 58.0] { x[Int(t * sr)] = 0.9 }  // five spikes, none in one place
        let song = AudioBuffer(sampleRate: sr, channels: [x, x])
        let starts = CodecExcerpt.windowStarts(song)
        #expect(starts.count == CodecExcerpt.windowCount)
        for t in [5.0, 17.0, 33.0, 41.0, 58.0] {
            #expect(starts.contains { Double($0) / sr <= t && t < Double($0) / sr + CodecExcerpt.windowSeconds }, "\(t) s")
        }
        let excerpt = CodecExcerpt.make(song)
        let n = Double(CodecExcerpt.windowCount)
        #expect(abs(excerpt.durationSeconds - (n * CodecExcerpt.windowSeconds + (n - 1) * CodecExcerpt.gapSeconds)) < 0.01)
        #expect(excerpt.channels[0].max()! > 0.89)
    }

    /// On the real corpus at spotify and loud: the master's windowed MP3 check and a whole-file MP3 check
    /// agree on the verdict (overs or not, away from the line), and the windows' peak is within 0.5 dB of the
    /// whole file's.
    @Test(.enabled(if: Corpus.isAvailable, "needs the corpus (make test builds it)"), arguments: Corpus.names)
    func agreesWithTheWholeFileCheck(name: String) throws {
        let input = try AudioFileReader.read(path: Corpus.premaster(name)).buffer
        let analysis = try Analyzer().analyze(input)
        let checklist = ChecklistRules.evaluate(analysis)
        for preset in ["spotify", "loud"] {
            let plan = Planner(options: .init(target: LoudnessTarget.presets[preset]!)).plan(analysis: analysis, checklist: checklist, audio: input)
            let master = Renderer.render(input, plan: plan).master
            let windows = try CodecChecks.run(CodecExcerpt.make(master), codecs: [.mp3])[0]
            let whole = try CodecChecks.run(master, codecs: [.mp3])[0]
            // Sampled windows cannot promise the whole file's very worst peak: the verdicts must agree unless the
            // whole file sits within 0.2 dB of the overs line.
            if abs(whole.truePeakDBTP - Translation.codecOverDBTP) > 0.2 && whole.clippedSamples == 0 {
                #expect(windows.overs == whole.overs, "\(name) \(preset): windows \(windows.truePeakDBTP), whole \(whole.truePeakDBTP)")
            }
            // The windows may miss the whole file's worst peak by at most 0.6 dB; they may read higher (short
            // excerpts make LAME overshoot more, a cautious error) by at most 1 dB.
            #expect(windows.truePeakDBTP - whole.truePeakDBTP >= -0.6 && windows.truePeakDBTP - whole.truePeakDBTP <= 1,
                    "\(name) \(preset): windows \(windows.truePeakDBTP), whole \(whole.truePeakDBTP)")
        }
    }
}

/// The command line's job streams its master into the file as it renders; the studio's keeps it in memory.
/// Both must deliver the same file and the same verdicts.
@Suite struct StreamedJobTests {
    @Test func aStreamedJobWritesTheSameMasterAsAKeptOne() throws {
        let folder = TempFolder()
        let audio = SyntheticSong.demo().render()
        let mix = Mix(audio: audio, info: InputFile(path: "demo", format: "32-bit float", sampleRateHz: audio.sampleRate,
                                                   channelCount: 2, frameCount: audio.frameCount), tags: AudioTags(), path: nil)
        let analysis = try Analyzer().analyze(audio)
        let checklist = ChecklistRules.evaluate(analysis)
        let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: analysis, checklist: checklist, audio: audio)
        func job(_ name: String, keeps: Bool) -> MasterJob {
            var j = MasterJob(mix: mix, analysis: analysis, checklist: checklist, plan: plan,
                              deliverable: Deliverable(path: folder.file(name), format: AudioFileFormat(.wav, .int24)), toolVersion: "test")
            j.codecs = [.mp3]
            j.keepsAudio = keeps
            return j
        }
        let kept = job("kept.wav", keeps: true), streamed = job("streamed.wav", keeps: false)
        #expect(!kept.streams && streamed.streams)
        let a = try kept.run(), b = try streamed.run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.file("kept.wav"))) == Data(contentsOf: URL(fileURLWithPath: folder.file("streamed.wav"))))
        #expect(a.session.plan == b.session.plan)
        #expect(a.session.checklist.items.map(\.status) == b.session.checklist.items.map(\.status))
        #expect(abs(a.session.report!.after.integratedLUFS - b.session.report!.after.integratedLUFS) < 1e-9)
        // The streamed job's codec check reads its windows back from the 24-bit file: dither's difference.
        let x = a.translation.codecs[0], y = b.translation.codecs[0]
        #expect(abs(x.truePeakDBTP - y.truePeakDBTP) < 0.05 && x.overs == y.overs, "\(x) \(y)")
        #expect(folder.contents == ["kept.wav", "kept.wav.headroom.json", "streamed.wav", "streamed.wav.headroom.json"])
    }
}
