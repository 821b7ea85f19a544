import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomSignals
import HeadroomTestSupport
import Testing

@Suite struct AudioFileRoundTripTests {
    static func music(seconds: Double = 2, sampleRate: Double = 44_100) -> AudioBuffer {
        let l = Signals.sine(frequencyHz: 441, amplitudeDBFS: -6, seconds: seconds, sampleRate: sampleRate)
        let r = Signals.pinkNoise(rmsDBFS: -20, count: l.count, seed: 1)
        return AudioBuffer(sampleRate: sampleRate, channels: [l, r])
    }

    static func maxError(_ a: AudioBuffer, _ b: AudioBuffer) -> Float {
        var e: Float = 0
        for c in 0..<a.channelCount { for i in 0..<a.frameCount { e = max(e, abs(a.channels[c][i] - b.channels[c][i])) } }
        return e
    }

    @Test(arguments: [
        (AudioFileFormat(.wav, .int16), "song.wav", Float(1.0 / 32768), "WAV 16-bit PCM"),
        (AudioFileFormat(.wav, .int24), "song.wav", Float(1.0 / 8_388_608), "WAV 24-bit PCM"),
        (AudioFileFormat(.wav, .float32), "song.wav", Float(0), "WAV 32-bit float"),
        (AudioFileFormat(.flac, .int16), "song.flac", Float(1.0 / 32768), "FLAC 16-bit PCM"),
        (AudioFileFormat(.flac, .int24), "song.flac", Float(1.0 / 8_388_608), "FLAC 24-bit PCM"),
        (AudioFileFormat(.aiff, .int24), "song.aiff", Float(1.0 / 8_388_608), "AIFF 24-bit PCM"),
    ])
    func losslessRoundTrip(format: AudioFileFormat, name: String, step: Float, described: String) throws {
        let folder = TempFolder()
        let original = Self.music()
        try AudioFileWriter.write(original, to: folder.file(name), format: format)
        let (read, info) = try AudioFileReader.read(path: folder.file(name))
        #expect(info.format == described)
        #expect(info.channelCount == 2 && info.sampleRateHz == 44_100 && info.frameCount == original.frameCount)
        #expect(Self.maxError(original, read) <= step)
        #expect(folder.contents == [name])  // no temporary file left behind
    }

    @Test(arguments: [("song.ogg", AudioFileFormat.Container.ogg), ("song.opus", .opus), ("song.mp3", .mp3)])
    func lossyFormatsAreRead(name: String, container: AudioFileFormat.Container) throws {
        let folder = TempFolder()
        let sr = container == .opus ? 48_000.0 : 44_100.0
        let original = Self.music(seconds: 3, sampleRate: sr)
        try AudioFileWriter.write(original, to: folder.file(name), format: AudioFileFormat(container))
        let (read, info) = try AudioFileReader.read(path: folder.file(name))
        #expect(info.channelCount == 2)
        // Codecs pad and delay; the length stays within 0.1 s and the sine's level within 0.5 dB.
        #expect(abs(info.durationSeconds - 3) < 0.1)
        let rms = (read.channels[0].reduce(0) { $0 + Double($1 * $1) } / Double(read.frameCount)).squareRoot()
        let expected = Decibels.toAmplitude(-6) / 2.squareRoot() * min(1, 3 / info.durationSeconds)
        #expect(abs(20 * log10(rms / expected)) < 0.5)
    }

    @Test func monoAndHighRatesAreAccepted() throws {
        let folder = TempFolder()
        for sr in [8_000.0, 96_000.0, 192_000.0, 384_000.0] {
            let x = Signals.sine(frequencyHz: 1000, amplitudeDBFS: -6, seconds: 0.5, sampleRate: sr)
            let path = folder.file("mono-\(Int(sr)).wav")
            try AudioFileWriter.write(AudioBuffer(sampleRate: sr, channels: [x]), to: path, format: AudioFileFormat(.wav, .float32))
            let (read, info) = try AudioFileReader.read(path: path)
            #expect(info.channelCount == 1 && info.sampleRateHz == sr)
            #expect(read.channels[0] == x)
        }
    }

    @Test func floatFilesKeepSamplesAboveFullScale() throws {
        let folder = TempFolder()
        let x: [Float] = (0..<4410).map { i in i == 100 ? 1.5 : 0.1 }
        try AudioFileWriter.write(AudioBuffer(sampleRate: 44_100, channels: [x, x]), to: folder.file("hot.wav"),
                                  format: AudioFileFormat(.wav, .float32))
        let (read, _) = try AudioFileReader.read(path: folder.file("hot.wav"))
        #expect(read.channels[0][100] == 1.5)
    }
}
