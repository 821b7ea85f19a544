import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomSignals
import HeadroomTranslation
import Testing

@Suite struct TranslationTests {
    static let song: AudioBuffer = {
        var s = SyntheticSong(sections: [
            .init("verse", seconds: 10, levelDB: -4),
            .init("chorus", seconds: 12, levelDB: 0, bright: true),
        ])
        s.peakDBFS = -3
        return s.render()
    }()

    static func model(_ name: String) -> SpeakerModel { SpeakerModel.all.first { $0.name == name }! }

    @Test func speakerModelResponses() {
        let sr = 44_100.0
        func r(_ name: String, _ hz: Double) -> Double { Self.model(name).responseDB(atHz: hz, sampleRate: sr) }
        #expect(r("phone", 100) < -30)          // no lows on a phone
        #expect(abs(r("phone", 1000)) < 1.5)
        #expect(r("phone", 2500) > 3)           // its presence bump
        #expect(r("laptop", 60) < -25)
        #expect(abs(r("earbuds", 1000)) < 1)
        #expect(abs(r("car", 50) - 5) < 1.5)    // cabin gain
        #expect(r("car", 12000) < -2)
        #expect(abs(r("hifi", 1000)) < 0.1 && abs(r("hifi", 100)) < 0.5)
        #expect(r("club", 50) > 3 && r("club", 50) > r("hifi", 50) + 3)  // sub emphasis
        #expect(r("club", 15) < -15)
        #expect(r("mono", 1000) == 0 && Self.model("mono").mono)
    }

    /// The spectral estimate of each model's loudness change agrees with rendering the model and metering it.
    @Test func loudnessEstimateAgreesWithRenderingTheModel() throws {
        let a = try Analyzer().analyze(Self.song)
        let report = Translation.evaluate(a)
        func lufs(_ x: AudioBuffer) -> Double {
            var m = LoudnessMeter(sampleRate: x.sampleRate, channelCount: x.channelCount)
            x.withChannelPointers(0..<x.frameCount) { m.add($0) }
            return m.integratedLUFS()
        }
        let source = lufs(Self.song)
        for s in report.speakers {
            let rendered = lufs(Self.model(s.name).apply(to: Self.song)) - source
            #expect(abs(rendered - s.loudnessChangeLU) < 0.4, "\(s.name): estimated \(s.loudnessChangeLU), rendered \(rendered)")
        }
        #expect(report.speakers.first { $0.name == "phone" }!.lowEndDB < report.speakers.first { $0.name == "phone" }!.sourceLowEndDB - 20)
        // The bare fold-down is the measured one, the figure of the mono checklist line.
        #expect(report.speakers.first { $0.name == "mono" }!.loudnessChangeLU == -a.stereo!.monoFoldLossLU)
        #expect(NumberText.decimal(-0.04) == "0.0" && NumberText.decimal(-0.06) == "−0.1" && NumberText.decimal(-0.004, digits: 2) == "0.00")
    }

    /// A pure sub sine has no harmonics: it vanishes on a phone. A bass rich in harmonics does not.
    @Test func phoneBassNeedsHarmonics() throws {
        let sr = 44_100.0, n = Int(sr * 10)
        func buffer(_ f: (Double) -> Float) -> AudioBuffer {
            let x = (0..<n).map { f(Double($0) / sr) }
            return AudioBuffer(sampleRate: sr, channels: [x, x])
        }
        let pad = Signals.whiteNoise(amplitude: 0.01, count: n, seed: 2)
        let sub = buffer { t in Float(0.5 * sin(2 * .pi * 50 * t)) }
        var rich = buffer { t in
            var v = 0.0
            for k in 1...12 { v += 0.5 / Double(k).squareRoot() * sin(2 * .pi * 50 * Double(k) * t) }  // a driven, harmonic-rich bass
            return Float(0.6 * v)
        }
        var quiet = sub
        for i in 0..<n { rich.channels[0][i] += pad[i]; rich.channels[1][i] += pad[i]; quiet.channels[0][i] += pad[i]; quiet.channels[1][i] += pad[i] }
        let bad = Translation.evaluate(try Analyzer().analyze(quiet))
        let good = Translation.evaluate(try Analyzer().analyze(rich))
        #expect(bad.items.first { $0.key == "translation.phone-bass" }?.kind == .problem)
        #expect(good.items.first { $0.key == "translation.phone-bass" }?.kind == .strength)
    }

    /// The car's cabin gain is a fault only for lows already heavy against the neutral target: a neutral
    /// or thin (EQ-lifted) low end is never "boomy in a car".
    @Test func carBoomFollowsTheLowsNotTheCabin() throws {
        func boomy(liftDB: Double) throws -> Bool {
            let x = Signals.multitone(levelDB: { TonalTarget.levelDB(atHz: $0) + ($0 < 170 ? liftDB : 0) }, rmsDBFS: -18,
                                      seconds: 6, sampleRate: 44_100)
            let a = try Analyzer().analyze(Signals.stereo(x, sampleRate: 44_100))
            return Translation.evaluate(a).items.contains { $0.key == "translation.car-boom" }
        }
        #expect(try !boomy(liftDB: 0))
        #expect(try !boomy(liftDB: -4))
        #expect(try boomy(liftDB: 5))
    }

    @Test func platformNormalization() {
        let spotify = Platform.all.first { $0.name == "Spotify" }!, youtube = Platform.all.first { $0.name == "YouTube" }!
        #expect(abs(spotify.gainDB(integratedLUFS: -9, truePeakDBTP: -0.3) - -5) < 1e-9)
        #expect(abs(youtube.gainDB(integratedLUFS: -9, truePeakDBTP: -0.3) - -5) < 1e-9)
        // Turning up stops where the true peak would pass −1 dBTP; YouTube never turns up.
        #expect(abs(spotify.gainDB(integratedLUFS: -20, truePeakDBTP: -6) - 5) < 1e-9)
        #expect(abs(spotify.gainDB(integratedLUFS: -16, truePeakDBTP: -8) - 2) < 1e-9)
        #expect(youtube.gainDB(integratedLUFS: -20, truePeakDBTP: -6) == 0)
    }

    @Test func platformSentencesAndTheTurnedDownNote() throws {
        let hot = try Analyzer().analyze(Self.song)  // peaks at −3 dBFS, loud
        let r = Translation.evaluate(hot)
        let spotify = try #require(r.platforms.first { $0.name == "Spotify" })
        #expect(abs(spotify.playsAtLUFS - (hot.loudness.integratedLUFS + spotify.gainDB)) < 1e-9)
        #expect(spotify.sentence.hasPrefix("Spotify turns this"))
        if hot.loudness.integratedLUFS > -13 { #expect(r.items.contains { $0.key == "translation.turned-down" }) }
    }

    /// A loudness-war master (the song driven 12 dB into a clipper at −0.1 dBFS) overs after MP3 decoding
    /// and is flagged with a lower ceiling; the song printed at −6 dBFS survives.
    @Test func lossyEncodingOversAreFlagged() throws {
        func normalized(_ audio: AudioBuffer, peakDB: Double) -> AudioBuffer {
            var out = audio
            let peak = audio.channels.flatMap { $0 }.map(abs).max()!
            let g = Float(Decibels.toAmplitude(peakDB)) / peak
            for c in out.channels.indices { for i in out.channels[c].indices { out.channels[c][i] *= g } }
            return out
        }
        var hot = normalized(Self.song, peakDB: 12)
        for c in hot.channels.indices { for i in hot.channels[c].indices { hot.channels[c][i] = max(-0.989, min(0.989, hot.channels[c][i])) } }
        let check = Translation.codecCheck(codec: "MP3", source: hot, decoded: try LossyRoundTrip.roundTrip(hot, codec: .mp3))
        #expect(check.overs, "decoded peak \(check.truePeakDBTP)")
        #expect((check.suggestedCeilingDBTP ?? 0) < check.sourceTruePeakDBTP)
        let quiet = normalized(Self.song, peakDB: -6)
        let fine = Translation.codecCheck(codec: "MP3", source: quiet, decoded: try LossyRoundTrip.roundTrip(quiet, codec: .mp3))
        #expect(!fine.overs, "decoded peak \(fine.truePeakDBTP)")
        #expect(fine.truePeakDBTP > fine.sourceTruePeakDBTP - 3)  // the decoded song really is the song
        let item = Translation.evaluate(try Analyzer().analyze(hot), codecs: [check]).items.first { $0.key == "translation.codec.mp3" }
        #expect(item?.kind == .problem)
    }

    @Test func everyCodecRoundTrips() throws {
        for codec in LossyRoundTrip.Codec.allCases {
            let out = try LossyRoundTrip.roundTrip(Self.song, codec: codec)
            #expect(out.channelCount == 2)
            #expect(abs(out.durationSeconds - Self.song.durationSeconds) < 0.2, "\(codec): \(out.durationSeconds) s")
            #expect(out.sampleRate == (codec == .opus ? 48_000 : 44_100))
        }
    }
}
