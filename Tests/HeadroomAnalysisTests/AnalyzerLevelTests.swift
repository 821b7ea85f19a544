import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomSignals
import HeadroomTestSupport
import Testing

@Suite struct AnalyzerLevelTests {
    let sr = 44_100.0

    func analyze(_ b: AudioBuffer) throws -> Analysis { try Analyzer().analyze(b) }

    @Test func quarterRateSineTruePeakIs3dBAboveSamplePeak() throws {
        var x = Signals.sine(frequencyHz: sr / 4, amplitudeDBFS: -2, seconds: 5, sampleRate: sr, phaseRadians: .pi / 4)
        fadeEdges(&x, frames: 2205)  // an abrupt start rings above the tone's own peak
        let a = try analyze(Signals.stereo(x, sampleRate: sr))
        #expect(abs(a.levels.truePeakDBTP - -2) < 0.05)
        #expect(abs(a.levels.truePeakDBTP - a.levels.samplePeakDBFS - 3.01) < 0.05)
        #expect(a.levels.intersampleOverCount == 0)
    }

    @Test func truePeakAgreesWithLibebur128OnMusic() throws {
        let buffer = SyntheticSong.demo(sampleRate: 48_000).render()
        let a = try analyze(buffer)
        let reference = Reference.measure(buffer).truePeak
        #expect(a.levels.truePeakDBTP >= a.levels.samplePeakDBFS)
        #expect(abs(a.levels.truePeakDBTP - reference) < 0.2, "ours \(a.levels.truePeakDBTP), libebur128 \(reference)")
    }

    @Test func intersampleOversAreFoundAndLocated() throws {
        // Full-scale samples of an fs/4 sine at 45°: the waveform between them reaches +3 dBFS.
        var x = [Float](repeating: 0, count: Int(sr * 4))
        let over = Signals.sine(frequencyHz: sr / 4, amplitudeDBFS: 3.01, seconds: 0.05, sampleRate: sr, phaseRadians: .pi / 4)
        let at = Int(sr * 2)
        for i in over.indices { x[at + i] = over[i] }
        let pad = Signals.pinkNoise(rmsDBFS: -30, count: x.count, seed: 2)
        for i in x.indices { x[i] += pad[i] * (abs(x[i]) > 0 ? 0 : 1) }
        let a = try analyze(Signals.stereo(x, sampleRate: sr))
        #expect(a.levels.truePeakDBTP > 2.5)
        #expect(a.levels.intersampleOverCount > 100)
        let range = try #require(a.levels.intersampleOverRanges.first)
        #expect(abs(range.startSeconds - 2) < 0.01)
    }

    func fadeEdges(_ x: inout [Float], frames: Int) {
        for i in 0..<frames {
            let g = Float(0.5 - 0.5 * cos(Double.pi * Double(i) / Double(frames)))
            x[i] *= g
            x[x.count - 1 - i] *= g
        }
    }

    @Test func rmsCrestAndDRofASine() throws {
        let x = Signals.sine(frequencyHz: 1000, amplitudeDBFS: -6, seconds: 12, sampleRate: sr)
        let a = try analyze(Signals.stereo(x, sampleRate: sr))
        #expect(abs(a.levels.rmsDBFS - (-6 - 3.01)) < 0.02)
        #expect(abs(a.levels.crestFactorDB - 3.01) < 0.02)
        #expect(a.levels.dynamicRangeDR == 0)  // the TT meter reads a sine as DR0
        #expect(abs(a.levels.plrDB - (a.levels.truePeakDBTP - a.loudness.integratedLUFS)) < 1e-9)
        #expect(abs(a.levels.headroomDB - 6) < 0.05)
    }

    @Test func clippedRunsAreCountedWithTimes() throws {
        var x = Signals.sine(frequencyHz: 100, amplitudeDBFS: -10, seconds: 6, sampleRate: sr)
        // Clip one second of a hot sine, starting at 3.0 s.
        let hot = Signals.sine(frequencyHz: 100, amplitudeDBFS: 3, seconds: 1, sampleRate: sr).map { max(-1, min(1, $0)) }
        for i in hot.indices { x[Int(sr * 3) + i] = hot[i] }
        let a = try analyze(Signals.stereo(x, sampleRate: sr))
        // 100 Hz for 1 s: 100 positive and 100 negative clipped runs per channel.
        #expect(a.levels.clippedRunCount == 400)
        let first = try #require(a.levels.clippedRuns.first)
        #expect(abs(first.startSeconds - 3) < 0.01)
        #expect(first.lengthSamples >= 3)
    }

    @Test func twoFullScaleSamplesAreNotClipping() throws {
        var x = Signals.sine(frequencyHz: 440, amplitudeDBFS: -12, seconds: 3, sampleRate: sr)
        x[1000] = 1; x[1001] = 1
        let a = try analyze(Signals.stereo(x, sampleRate: sr))
        #expect(a.levels.clippedRunCount == 0)
    }

    @Test func dcOffsetIsMeasuredPerChannel() throws {
        let x = Signals.sine(frequencyHz: 440, amplitudeDBFS: -12, seconds: 3, sampleRate: sr)
        let a = try analyze(AudioBuffer(sampleRate: sr, channels: [x.map { $0 + 0.02 }, x]))
        #expect(abs(a.levels.channels[0].dcOffsetPercent - 2) < 0.01)
        #expect(abs(a.levels.channels[1].dcOffsetPercent) < 0.01)
    }

    @Test func silenceAtTheEdgesIsMeasured() throws {
        let music = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 10), seed: 4)
        let x = [Float](repeating: 0, count: Int(sr * 3)) + music + [Float](repeating: 0, count: Int(sr * 5))
        let a = try analyze(Signals.stereo(x, sampleRate: sr))
        #expect(abs(a.silence.leadingSeconds - 3) < 0.15)
        #expect(abs(a.silence.trailingSeconds - 5) < 0.15)
    }

    @Test func silentAndTooShortBuffersAreRefused() {
        #expect(throws: AnalysisError.silent) {
            try Analyzer().analyze(AudioBuffer(sampleRate: sr, channelCount: 2, frameCount: Int(sr * 5)))
        }
        #expect(throws: AnalysisError.tooShort(seconds: 0.5)) {
            try Analyzer().analyze(Signals.stereo(Signals.sine(frequencyHz: 440, amplitudeDBFS: -6, seconds: 0.5, sampleRate: sr), sampleRate: sr))
        }
    }

    @Test func jsonHasOnlyFiniteNumbers() throws {
        // A mono-ish signal with a silent channel: −∞ dB values must not leak into JSON.
        let x = Signals.sine(frequencyHz: 440, amplitudeDBFS: -6, seconds: 4, sampleRate: sr)
        let a = try analyze(AudioBuffer(sampleRate: sr, channels: [x, [Float](repeating: 0, count: x.count)]))
        let data = try JSONEncoder().encode(a)
        let back = try JSONDecoder().decode(Analysis.self, from: data)
        #expect(back == a)
        #expect(a.levels.channels[1].samplePeakDBFS == Decibels.floorDB)
    }
}
