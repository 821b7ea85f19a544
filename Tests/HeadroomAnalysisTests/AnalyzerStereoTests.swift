import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomSignals
import Testing

@Suite struct AnalyzerStereoTests {
    let sr = 48_000.0

    @Test func invertedChannelReadsMinusOneAndVanishesInMono() throws {
        let x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 6), seed: 1)
        let a = try Analyzer().analyze(AudioBuffer(sampleRate: sr, channels: [x, x.map { -$0 }]))
        let s = try #require(a.stereo)
        #expect(s.correlation < -0.99)
        #expect(s.monoFoldLossLU > 40)
        #expect(s.minimumCorrelation < -0.99)
        #expect(!s.negativeCorrelationRanges.isEmpty)
    }

    @Test func identicalChannelsAreMonoCompatible() throws {
        let x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 6), seed: 1)
        let s = try #require(try Analyzer().analyze(Signals.stereo(x, sampleRate: sr)).stereo)
        #expect(s.correlation > 0.999)
        #expect(abs(s.monoFoldLossLU) < 0.01)
        #expect(s.sideToMidDB <= Decibels.floorDB)
        #expect(abs(s.balanceDB) < 0.01)
    }

    @Test func unrelatedChannelsLose3LUInMono() throws {
        let l = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 10), seed: 1)
        let r = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 10), seed: 2)
        let s = try #require(try Analyzer().analyze(AudioBuffer(sampleRate: sr, channels: [l, r])).stereo)
        #expect(abs(s.correlation) < 0.05)
        #expect(abs(s.monoFoldLossLU - 3.01) < 0.2)
        #expect(abs(s.sideToMidDB) < 0.5)
    }

    @Test func balanceReadsTheLevelDifference() throws {
        let x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 6), seed: 1)
        let g = Float(Decibels.toAmplitude(3))
        let s = try #require(try Analyzer().analyze(AudioBuffer(sampleRate: sr, channels: [x.map { $0 * g }, x])).stereo)
        #expect(abs(s.balanceDB - 3) < 0.05)
    }

    @Test func outOfPhaseBassShowsUpInTheLowEndOnly() throws {
        // Centred pink noise plus a 60 Hz bass that is inverted in the right channel.
        let n = Int(sr * 8)
        let mid = Signals.pinkNoise(rmsDBFS: -24, count: n, seed: 5)
        let bass = Signals.sine(frequencyHz: 60, amplitudeDBFS: -12, seconds: 8, sampleRate: sr)
        let l = (0..<n).map { mid[$0] + bass[$0] }, r = (0..<n).map { mid[$0] - bass[$0] }
        let s = try #require(try Analyzer().analyze(AudioBuffer(sampleRate: sr, channels: [l, r])).stereo)
        #expect(s.lowEndCorrelation < 0)
        #expect(s.lowEndSideToMidDB > 0)
        #expect(s.correlation > s.lowEndCorrelation)
    }

    @Test func monoFileHasNoStereoSection() throws {
        let x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 4), seed: 1)
        let a = try Analyzer().analyze(AudioBuffer(sampleRate: sr, channels: [x]))
        #expect(a.isMono)
        #expect(a.stereo == nil)
        #expect(a.levels.channels.map(\.name) == ["mono"])
    }
}
