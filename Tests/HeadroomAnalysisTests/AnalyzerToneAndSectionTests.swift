import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomSignals
import Testing

@Suite struct AnalyzerToneAndSectionTests {
    @Test func pinkNoiseIsFlatInThirdOctavesAndTiltsAgainstTheTarget() throws {
        let sr = 44_100.0
        let x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 20), seed: 9)
        let t = try Analyzer().analyze(Signals.stereo(x, sampleRate: sr)).tonalBalance
        // Pink noise has equal power per 1/3 octave: its band levels are flat within ±1 dB from 50 Hz to 16 kHz.
        let flat = (4...29).map { t.levelDB[$0] }
        #expect(flat.max()! - flat.min()! < 2.0)
        // Against a target that falls with frequency, pink noise reads bright: air above, lows below.
        let air = try #require(t.regions.first { $0.name == "air" })
        let lows = try #require(t.regions.first { $0.name == "lows" })
        #expect(air.deviationDB > 5)
        #expect(lows.deviationDB < -3)
    }

    @Test func aBoostedBandShowsUpWhereItIs() throws {
        let sr = 48_000.0
        var x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 20), seed: 9)
        var bell = Biquad(.peaking(frequencyHz: 100, gainDB: 9, q: 1.4, sampleRate: sr))
        bell.process(&x)
        let plain = try Analyzer().analyze(Signals.stereo(Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 20), seed: 9), sampleRate: sr))
        let boosted = try Analyzer().analyze(Signals.stereo(x, sampleRate: sr))
        let i100 = try #require(SpectrumMeter.bandCentersHz.firstIndex(of: 100))
        let i1k = try #require(SpectrumMeter.bandCentersHz.firstIndex(of: 1000))
        let lift100 = boosted.tonalBalance.deviationDB[i100] - plain.tonalBalance.deviationDB[i100]
        let lift1k = boosted.tonalBalance.deviationDB[i1k] - plain.tonalBalance.deviationDB[i1k]
        // The bell adds 9 dB at 100 Hz; normalization shifts everything by the mean change (< 1.5 dB).
        #expect(lift100 - lift1k > 7.5)
        #expect(lift100 - lift1k < 9.5)
    }

    static func song(sampleRate: Double = 44_100) -> SyntheticSong {
        SyntheticSong(sections: [
            .init("intro", seconds: 14, levelDB: 0, drums: false, bass: false),
            .init("verse", seconds: 24, levelDB: -6),
            .init("chorus", seconds: 18, levelDB: -1, bright: true),
            .init("bridge", seconds: 16, levelDB: -9, drums: false),
            .init("last chorus", seconds: 22, levelDB: 1, bright: true),
            .init("outro", seconds: 12, levelDB: -4, drums: false, bass: false),
        ], sampleRate: sampleRate)
    }

    @Test(arguments: [44_100.0, 96_000.0])
    func sectionBoundariesAreFoundWithinOneSecond(sampleRate: Double) throws {
        let song = Self.song(sampleRate: sampleRate)
        let a = try Analyzer().analyze(song.render())
        let found = a.sections.map(\.startSeconds)
        let expected = song.boundariesSeconds
        #expect(found.count == expected.count, "found \(found)")
        for (f, e) in zip(found, expected) { #expect(abs(f - e) <= 1, "found \(found), expected \(expected)") }
        // The last chorus is the loudest section: the chain is set up there.
        #expect(a.loudestSectionIndex == 4)
        #expect(a.loudestSection.role == .loudest)
        #expect(a.sections.first?.role == .intro)
        #expect(a.sections.last?.role == .outro)
        #expect(a.sections[3].relativeLoudnessLU < -6)
        #expect(abs(a.sections.last!.endSeconds - song.durationSeconds) < 0.01)
    }

    @Test func sectionLoudnessMatchesMeasuringTheSectionAlone() throws {
        let song = Self.song()
        let buffer = song.render()
        let a = try Analyzer().analyze(buffer)
        let chorus = a.sections[2]
        let start = Int(chorus.startSeconds * buffer.sampleRate), end = Int(chorus.endSeconds * buffer.sampleRate)
        let alone = try Analyzer().analyze(buffer.slice(start..<end))
        #expect(abs(alone.loudness.integratedLUFS - chorus.integratedLUFS) < 0.1)
    }

    @Test func aSteadySignalIsOneSection() throws {
        let sr = 44_100.0
        let x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 40), seed: 3)
        let a = try Analyzer().analyze(Signals.stereo(x, sampleRate: sr))
        #expect(a.sections.count <= 2)
    }
}
