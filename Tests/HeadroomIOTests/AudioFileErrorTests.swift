import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomSignals
import HeadroomTestSupport
import Testing

@Suite struct AudioFileErrorTests {
    func kind(_ path: String) -> AudioFileError.Kind? {
        do { _ = try AudioFileReader.read(path: path); return nil } catch let e as AudioFileError {
            #expect(e.description.hasPrefix(path + ": "))
            #expect(!e.description.contains("\n"))
            return e.kind
        } catch { return nil }
    }

    @Test func missingFolderEmptyAndTextFiles() throws {
        let folder = TempFolder()
        #expect(kind(folder.file("nope.wav")) == .notFound)
        #expect(kind(folder.path) == .notAFile)
        FileManager.default.createFile(atPath: folder.file("empty.wav"), contents: Data())
        #expect(kind(folder.file("empty.wav")) == .empty)
        FileManager.default.createFile(atPath: folder.file("notes.wav"), contents: Data("this is not audio\n".utf8))
        #expect(kind(folder.file("notes.wav")) == .notAudio)
    }

    @Test func truncatedWavAndFlac() throws {
        let folder = TempFolder()
        let song = AudioFileRoundTripTests.music()
        for (name, format) in [("cut.wav", AudioFileFormat(.wav, .int24)), ("cut.flac", AudioFileFormat(.flac, .int24))] {
            try AudioFileWriter.write(song, to: folder.file(name), format: format)
            let data = try Data(contentsOf: URL(fileURLWithPath: folder.file(name)))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: folder.file(name)))
            #expect(kind(folder.file(name)) == .truncated, "\(name)")
        }
    }

    @Test func nonFiniteSamples() throws {
        let folder = TempFolder()
        // 1e20 and 1000 are finite but no mix: they would read as +738 dBFS or a false "silent"; 8 (+18 dBFS) is a hot float print.
        for (name, bad) in [("nan.wav", Float.nan), ("inf.wav", Float.infinity), ("huge.wav", Float(1e20)), ("thousand.wav", Float(1000)), ("minus.wav", Float(-1e10))] {
            var x = Signals.sine(frequencyHz: 440, amplitudeDBFS: -6, seconds: 1, sampleRate: 44_100)
            x[22_050] = bad
            try AudioFileWriter.write(AudioBuffer(sampleRate: 44_100, channels: [x, x]), to: folder.file(name),
                                      format: AudioFileFormat(.wav, .float32))
            #expect(kind(folder.file(name)) == .nonFiniteSamples, "\(name)")
        }
        var hot = Signals.sine(frequencyHz: 440, amplitudeDBFS: -6, seconds: 1, sampleRate: 44_100)
        hot[100] = 8
        try AudioFileWriter.write(AudioBuffer(sampleRate: 44_100, channels: [hot, hot]), to: folder.file("hot.wav"), format: AudioFileFormat(.wav, .float32))
        #expect(kind(folder.file("hot.wav")) == nil)
        do { _ = try AudioFileReader.read(path: folder.file("huge.wav")); Issue.record("accepted") } catch let e as AudioFileError {
            #expect(e.description.contains("+400 dBFS") && e.description.contains("far beyond full scale"), "\(e.description)")
        }
    }

    @Test func tooManyChannelsAndOddRates() throws {
        let folder = TempFolder()
        let x = Signals.sine(frequencyHz: 440, amplitudeDBFS: -6, seconds: 0.5, sampleRate: 48_000)
        try AudioFileWriter.write(AudioBuffer(sampleRate: 48_000, channels: [x, x, x]), to: folder.file("3ch.wav"),
                                  format: AudioFileFormat(.wav, .int16))
        #expect(kind(folder.file("3ch.wav")) == .unsupportedChannels)
        try AudioFileWriter.write(AudioBuffer(sampleRate: 4_000, channels: [x]), to: folder.file("4k.wav"),
                                  format: AudioFileFormat(.wav, .int16))
        #expect(kind(folder.file("4k.wav")) == .unsupportedSampleRate)
    }

    @Test func headerWithNoFrames() throws {
        let folder = TempFolder()
        try AudioFileWriter.write(AudioBuffer(sampleRate: 44_100, channels: [[]]), to: folder.file("zero.wav"),
                                  format: AudioFileFormat(.wav, .int16))
        #expect(kind(folder.file("zero.wav")) == .noAudio)
    }
}
