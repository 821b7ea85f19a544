import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomSignals
import HeadroomTestSupport
import Testing

/// EBU Tech 3341 / 3342 cases, synthesized, and agreement with libebur128.
@Suite struct LoudnessMeterTests {
    static func meter(_ buffer: AudioBuffer) -> LoudnessMeter {
        var m = LoudnessMeter(sampleRate: buffer.sampleRate, channelCount: buffer.channelCount)
        // Uneven chunks exercise partial sub-blocks.
        var start = 0
        let chunk = 12_345
        while start < buffer.frameCount {
            let end = min(buffer.frameCount, start + chunk)
            buffer.withChannelPointers(start..<end) { m.add($0) }
            start = end
        }
        return m
    }

    static func tones(_ parts: [(dbfs: Double, seconds: Double)], sampleRate: Double = 48_000) -> AudioBuffer {
        let x = Signals.concatenate(parts.map {
            Signals.sine(frequencyHz: 1000, amplitudeDBFS: $0.dbfs, seconds: $0.seconds, sampleRate: sampleRate)
        })
        return Signals.stereo(x, sampleRate: sampleRate)
    }

    @Test(arguments: [44_100.0, 48_000.0, 96_000.0])
    func tech3341Case1And2(sampleRate: Double) {
        for level in [-23.0, -33.0] {
            let m = Self.meter(Self.tones([(level, 20)], sampleRate: sampleRate))
            #expect(abs(m.integratedLUFS() - level) < 0.1)
            #expect(abs(m.maxMomentaryLUFS - level) < 0.1)
            #expect(abs(m.maxShortTermLUFS - level) < 0.1)
        }
    }

    @Test func tech3341Case3RelativeGate() {
        let m = Self.meter(Self.tones([(-36, 10), (-23, 60), (-36, 10)]))
        #expect(abs(m.integratedLUFS() - -23) < 0.1)
    }

    @Test func tech3341Case4AbsoluteGate() {
        let m = Self.meter(Self.tones([(-72, 10), (-36, 10), (-23, 60), (-36, 10), (-72, 10)]))
        #expect(abs(m.integratedLUFS() - -23) < 0.1)
    }

    @Test func tech3341Case5() {
        let m = Self.meter(Self.tones([(-26, 20), (-20, 20.1), (-26, 20)]))
        #expect(abs(m.integratedLUFS() - -23) < 0.1)
    }

    @Test func silenceIsBelowTheGate() {
        let m = Self.meter(AudioBuffer(sampleRate: 48_000, channelCount: 2, frameCount: 48_000 * 5))
        #expect(m.integratedLUFS() == -.infinity)
    }

    @Test(arguments: [
        ([(-20.0, 20.0), (-30.0, 20.0)], 10.0),
        ([(-20.0, 20.0), (-15.0, 20.0)], 5.0),
        ([(-40.0, 20.0), (-20.0, 20.0)], 20.0),
        ([(-50.0, 20.0), (-35.0, 20.0), (-20.0, 20.0), (-35.0, 20.0), (-50.0, 20.0)], 15.0),
    ])
    func tech3342LoudnessRange(parts: [(Double, Double)], expected: Double) {
        let m = Self.meter(Self.tones(parts.map { (dbfs: $0.0, seconds: $0.1) }))
        #expect(abs(m.loudnessRangeLU() - expected) < 1)
    }

    @Test(arguments: [44_100.0, 48_000.0, 96_000.0, 22_050.0])
    func integratedAgreesWithLibebur128OnMusicLikeSignals(sampleRate: Double) {
        var song = SyntheticSong.demo(sampleRate: sampleRate)
        song.sections = Array(song.sections.prefix(3))
        let buffer = song.render()
        let ours = Self.meter(buffer).integratedLUFS()
        let reference = Reference.measure(buffer)
        #expect(abs(ours - reference.integrated) < 0.05, "ours \(ours), libebur128 \(reference.integrated)")
    }

    @Test func integratedAgreesWithLibebur128OnNoiseAndMono() {
        let sr = 44_100.0
        let pink = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 12), seed: 7)
        let white = Signals.whiteNoise(amplitude: 0.1, count: Int(sr * 12), seed: 8)
        for buffer in [AudioBuffer(sampleRate: sr, channels: [pink, white]), AudioBuffer(sampleRate: sr, channels: [pink])] {
            let ours = Self.meter(buffer).integratedLUFS()
            let reference = Reference.measure(buffer).integrated
            #expect(abs(ours - reference) < 0.05, "ours \(ours), libebur128 \(reference)")
        }
    }

    @Test func loudnessRangeIsCloseToLibebur128() {
        let buffer = SyntheticSong.demo().render()
        let ours = Self.meter(buffer).loudnessRangeLU()
        let reference = Reference.measure(buffer).range
        // libebur128 steps its short-term windows by 1 s; we use 10 Hz as Tech 3342 recommends.
        #expect(abs(ours - reference) < 1, "ours \(ours), libebur128 \(reference)")
    }
}
