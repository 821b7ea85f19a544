import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomSession
import HeadroomSignals
import HeadroomTestSupport
import HeadroomTranslation
import Testing

/// `headroom check` reads its file block by block: the same verdicts and the same preview samples as the
/// whole-buffer path it replaced.
@Suite struct StreamedCheckTests {
    static func song(sampleRate: Double) -> AudioBuffer {
        let l = Signals.sine(frequencyHz: 997, amplitudeDBFS: -2, seconds: 6, sampleRate: sampleRate)
        let r = Signals.pinkNoise(rmsDBFS: -12, count: l.count, seed: 3)
        // Hot enough that the codecs add overs, so the suggested ceiling is compared too.
        return AudioBuffer(sampleRate: sampleRate, channels: [l.map { $0 * 1.1 }, r])
    }

    /// 44.1 kHz (Opus resamples to 48 kHz) and 96 kHz (MP3 and Opus resample).
    @Test(arguments: [44_100.0, 96_000.0])
    func codecVerdictsMatchTheWholeBuffer(sampleRate: Double) throws {
        let folder = TempFolder()
        let path = folder.file("song.wav")
        try AudioFileWriter.write(Self.song(sampleRate: sampleRate), to: path, format: AudioFileFormat(.wav, .float32))
        let audio = try AudioFileReader.read(path: path).buffer
        let codecs = LossyRoundTrip.Codec.allCases
        let whole = try CodecChecks.run(audio, codecs: codecs)
        let (analysis, _) = try Mix.analyze(path: path)
        let streamed = try CodecChecks.run(path: path, codecs: codecs, sourceTruePeakDBTP: analysis.levels.truePeakDBTP)
        #expect(streamed == whole)
        #expect(whole.contains { $0.overs })
    }

    @Test func previewsAreTheModelsAppliedToTheWholeFile() throws {
        let folder = TempFolder()
        let path = folder.file("song.wav")
        let audio = Self.song(sampleRate: 48_000)
        try AudioFileWriter.write(audio, to: path, format: AudioFileFormat(.wav, .float32))
        let previews = SpeakerModel.all.map { folder.file("previews/song.\($0.name).wav") }
        let outcome = try CheckJob(path: path, codecs: [], previewPaths: previews).run()
        #expect(outcome.info.frameCount == audio.frameCount)
        for (model, preview) in zip(SpeakerModel.all, previews) {
            let written = try AudioFileReader.read(path: preview).buffer
            let expected = model.apply(to: audio)
            var worst: Float = 0
            for c in 0..<2 { for i in 0..<audio.frameCount { worst = max(worst, abs(written.channels[c][i] - min(max(expected.channels[c][i], -1), 1))) } }
            #expect(worst <= 1.01 / 8_388_608, "\(model.name)")  // 24-bit rounding (and its clip)
        }
        // All of them exist or none: a second run without overwriting refuses and keeps them.
        #expect(throws: JobError.self) { try CheckJob(path: path, codecs: [], previewPaths: previews).run() }
        #expect(previews.allSatisfy { FileManager.default.fileExists(atPath: $0) })
    }
}
