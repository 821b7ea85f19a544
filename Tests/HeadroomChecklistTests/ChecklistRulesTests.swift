import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomSignals
import Testing

@Suite struct ChecklistRulesTests {
    let sr = 44_100.0

    func checklist(_ buffer: AudioBuffer) throws -> Checklist {
        ChecklistRules.evaluate(try Analyzer().analyze(buffer))
    }

    func keys(_ c: Checklist) -> Set<String> { Set(c.items.map(\.key)) }

    @Test func theDemoMixHasAHealthyPrintAndItsLoudestSectionNamed() throws {
        let song = SyntheticSong.demo()
        let c = try checklist(song.render())
        #expect(keys(c).isSuperset(of: ["headroom.healthy", "dynamics.healthy", "sections.loudest", "stereo.mono-safe"]))
        #expect(!keys(c).contains("clipping"))
        // Numbered 1... in order, problems first, most severe first.
        #expect(c.items.map(\.id) == Array(1...c.items.count))
        let problems = c.items.prefix { $0.kind == .problem }
        #expect(problems.count == c.items(.problem).count)
        #expect(zip(problems, problems.dropFirst()).allSatisfy { $0.severity <= $1.severity })
        let loudest = try #require(c.item(key: "sections.loudest"))
        #expect(abs(loudest.timeRanges[0].startSeconds - 68) <= 1)
    }

    @Test func clippingAndNoHeadroomAskForAReprint() throws {
        let x = Signals.sine(frequencyHz: 100, amplitudeDBFS: 2, seconds: 6, sampleRate: sr).map { max(-1, min(1, $0)) }
        let c = try checklist(Signals.stereo(x, sampleRate: sr))
        let clip = try #require(c.item(key: "clipping"))
        #expect(clip.severity == .critical && clip.kind == .problem)
        #expect(clip.action.contains("Re-print"))
        #expect(!clip.timeRanges.isEmpty)
        #expect(c.item(key: "headroom.none") != nil)
        #expect(c.items.first?.key == "clipping")
    }

    @Test func aMixBusLimiterIsRecognized() throws {
        // Noise hard-limited to a flat, dense signal: low PLR, no loudness movement.
        let x = Signals.pinkNoise(rmsDBFS: -6, count: Int(sr * 30), seed: 3).map { max(-0.5, min(0.5, $0)) }
        let a = try Analyzer().analyze(Signals.stereo(x, sampleRate: sr))
        #expect(a.levels.plrDB < ChecklistThresholds.limitedPLRDB)
        let item = try #require(ChecklistRules.evaluate(a).item(key: "dynamics.bus-limiter"))
        #expect(item.severity == .major)
    }

    @Test func dcPolarityAndBalanceProblems() throws {
        let x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 10), seed: 3)
        let dc = try checklist(AudioBuffer(sampleRate: sr, channels: [x.map { $0 + 0.02 }, x]))
        #expect(dc.item(key: "dc.left")?.severity == .major)
        #expect(dc.item(key: "dc.right") == nil)

        let inverted = try checklist(AudioBuffer(sampleRate: sr, channels: [x, x.map { -$0 }]))
        #expect(inverted.item(key: "phase.inverted")?.severity == .critical)
        #expect(inverted.item(key: "stereo.mono-loss") != nil)
        #expect(inverted.item(key: "stereo.mono-safe") == nil)

        let g = Float(Decibels.toAmplitude(-2.5))
        let leaning = try checklist(AudioBuffer(sampleRate: sr, channels: [x, x.map { $0 * g }]))
        let balance = try #require(leaning.item(key: "stereo.balance"))
        #expect(balance.title.contains("left"))
        #expect(balance.severity == .major)
    }

    @Test func wideLowsAreFlagged() throws {
        let n = Int(sr * 10)
        let mid = Signals.pinkNoise(rmsDBFS: -24, count: n, seed: 5)
        let bass = Signals.sine(frequencyHz: 55, amplitudeDBFS: -12, seconds: 10, sampleRate: sr)
        let c = try checklist(AudioBuffer(sampleRate: sr, channels: [(0..<n).map { mid[$0] + bass[$0] },
                                                                    (0..<n).map { mid[$0] - bass[$0] }]))
        #expect(c.item(key: "stereo.wide-lows") != nil)
    }

    /// A multitone that follows the neutral target, with `change` added on top.
    func shaped(_ change: @escaping (Double) -> Double) -> AudioBuffer {
        let l = Signals.multitone(levelDB: { TonalTarget.levelDB(atHz: $0) + change($0) }, rmsDBFS: -20, seconds: 12,
                                  sampleRate: sr, seed: 4)
        let r = Signals.multitone(levelDB: { TonalTarget.levelDB(atHz: $0) + change($0) }, rmsDBFS: -20, seconds: 12,
                                  sampleRate: sr, seed: 5)
        return AudioBuffer(sampleRate: sr, channels: [l, r])
    }

    @Test func aMixOnTheTargetIsABalancedStrength() throws {
        let a = try Analyzer().analyze(shaped { _ in 0 })
        #expect(a.tonalBalance.regions.allSatisfy { abs($0.deviationDB) < 1 }, "\(a.tonalBalance.regions)")
        let c = ChecklistRules.evaluate(a)
        #expect(c.item(key: "tone.balanced")?.kind == .strength)
        #expect(!c.items.contains { $0.key.hasPrefix("tone.") && $0.kind == .problem })
    }

    @Test func boomyMuddyHarshAndDullAreLocatedInBands() throws {
        let cases: [(ClosedRange<Double>, Double, String, String)] = [
            (56...180, 7, "tone.boomy", "lows"),
            (180...560, 7, "tone.muddy", "low mids"),
            (1800...5600, 7, "tone.harsh", "presence"),
            (5600...20000, -9, "tone.dull", "air"),
            (56...180, -9, "tone.thin", "lows"),
        ]
        for (band, gain, key, region) in cases {
            let c = try checklist(shaped { band.contains($0) ? gain : 0 })
            let item = try #require(c.item(key: key), "\(key): \(c.items.map(\.key))")
            #expect(item.title.contains(region))
            #expect(abs(item.measuredValue) > 3)
            #expect((item.measuredValue > 0) == (gain > 0))
            #expect(c.item(key: "tone.balanced") == nil)
        }
    }

    @Test func silenceAndSectionJumps() throws {
        let quiet = Signals.pinkNoise(rmsDBFS: -40, count: Int(sr * 12), seed: 1)
        let loud = Signals.pinkNoise(rmsDBFS: -16, count: Int(sr * 12), seed: 2)
        let x = [Float](repeating: 0, count: Int(sr * 3)) + quiet + loud + [Float](repeating: 0, count: Int(sr * 6))
        let c = try checklist(Signals.stereo(x, sampleRate: sr))
        #expect(abs((c.item(key: "silence.start")?.measuredValue ?? 0) - 3) < 0.2)
        #expect(abs((c.item(key: "silence.end")?.measuredValue ?? 0) - 6) < 0.2)
        let jump = try #require(c.item(key: "sections.jump"))
        #expect(jump.measuredValue > 15)
        #expect(abs(jump.timeRanges[0].startSeconds + 2 - 15) < 1.5)
    }

    @Test func monoFileIsSaidToBeMono() throws {
        let x = Signals.pinkNoise(rmsDBFS: -20, count: Int(sr * 5), seed: 3)
        let c = try checklist(AudioBuffer(sampleRate: sr, channels: [x]))
        #expect(c.item(key: "stereo.mono-file")?.kind == .info)
    }

    @Test func checklistRoundTripsThroughJSON() throws {
        let c = try checklist(SyntheticSong.demo().render())
        let back = try JSONDecoder().decode(Checklist.self, from: try JSONEncoder().encode(c))
        #expect(back == c)
    }
}
