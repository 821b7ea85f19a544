import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomMastering
import HeadroomSignals
import Testing

/// The album plan on synthetic tracks of known loudness and tone.
@Suite struct AlbumTests {
    static func track(_ name: String, gainDB: Double, brightDB: Double = 0, seed: UInt64) throws -> (AlbumPlanner.Track, AudioBuffer) {
        var s = SyntheticSong(sections: [
            .init("verse", seconds: 10, levelDB: -5),
            .init("chorus", seconds: 12, levelDB: 0, bright: true),
        ])
        s.seed = seed
        s.peakDBFS = -6 + gainDB
        var audio = s.render()
        if brightDB != 0 {
            let eq = ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [EQBand(kind: .highShelf, frequencyHz: 3000, gainDB: brightDB)]))
            eq.prepare(ProcessSpec(sampleRate: audio.sampleRate, maxFrameCount: 4096, channelCount: 2))
            audio.process(with: eq, blockSize: 4096)
        }
        let a = try Analyzer().analyze(audio)
        return (AlbumPlanner.Track(name: name, analysis: a, profile: ReferenceProfile.measure(audio, analysis: a, name: name)), audio)
    }

    @Test func loudnessRuleKeepsAShareOfTheOffsetAndCapsIt() throws {
        let (single, _) = try Self.track("single", gainDB: 0, seed: 1)
        let (ballad, _) = try Self.track("ballad", gainDB: -6, seed: 2)
        let (quiet, _) = try Self.track("very quiet", gainDB: -14, seed: 3)
        var options = AlbumPlanner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.keepOffset = 0.5
        options.maxOffsetLU = 4
        let d = AlbumPlanner(options: options).loudness([single, ballad, quiet])
        #expect(d[0].targetLUFS == -14)
        #expect(abs(d[1].offsetLU - 3) < 0.15, "the ballad keeps half of its 6 LU: \(d[1].offsetLU)")
        #expect(abs(d[1].targetLUFS - -17) < 0.15)
        #expect(d[2].offsetLU == 4, "capped: \(d[2].offsetLU)")
        #expect(d[2].reason.contains("capped"))
        // keep 0: every track at the target.
        options.keepOffset = 0
        #expect(AlbumPlanner(options: options).loudness([single, ballad]).allSatisfy { $0.targetLUFS == -14 })
    }

    @Test func masteringTheAlbumNarrowsLoudnessAndToneSpreads() throws {
        let tracks = [try Self.track("a", gainDB: 0, seed: 1), try Self.track("b", gainDB: -8, brightDB: 5, seed: 2),
                      try Self.track("c", gainDB: -3, brightDB: -4, seed: 3)]
        var options = AlbumPlanner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.eqAmount = 0.7
        let planner = AlbumPlanner(options: options)
        let perTrack = planner.trackOptions(tracks.map(\.0))
        let targets = planner.loudness(tracks.map(\.0)).map(\.targetLUFS)
        var afterLUFS: [Double] = [], afterProfiles: [ReferenceProfile] = []
        for ((t, audio), o) in zip(tracks, perTrack) {
            let plan = Planner(options: o).plan(analysis: t.analysis, checklist: ChecklistRules.evaluate(t.analysis), audio: audio)
            #expect(plan.target.ceilingDBTP == -1)
            let r = Renderer.render(audio, plan: plan)
            let after = try Analyzer().analyze(r.master)
            afterLUFS.append(after.loudness.integratedLUFS)
            afterProfiles.append(ReferenceProfile.measure(r.master, analysis: after, name: t.name, ranges: t.profile.sections))
            #expect(r.truePeak8xDBTP <= -1 + 1e-6)
        }
        for (a, t) in zip(afterLUFS, targets) { #expect(abs(a - t) <= 0.1, "\(a) for \(t)") }
        let before = tracks.map(\.0.analysis.loudness.integratedLUFS)
        #expect((afterLUFS.max()! - afterLUFS.min()!) < (before.max()! - before.min()!) - 3)
        let spreadBefore = AlbumPlanner.tonalSpreadDB(tracks.map(\.0.profile)), spreadAfter = AlbumPlanner.tonalSpreadDB(afterProfiles)
        #expect(spreadAfter < 0.6 * spreadBefore, "tonal spread \(spreadBefore) → \(spreadAfter)")
    }

    @Test func albumChecklistNamesFailuresAndOutliers() {
        func line(_ name: String, tone: Double, after: Double = -14) -> AlbumReport.Track {
            var t = AlbumReport.Track(name: name, input: name + ".wav", status: "mastered")
            t.beforeLUFS = -20; t.afterLUFS = after; t.targetLUFS = -14; t.truePeak8xDBTP = -1.1
            t.tonalDistanceBeforeDB = tone + 2; t.tonalDistanceAfterDB = tone
            return t
        }
        var failed = AlbumReport.Track(name: "broken", input: "broken.wav", status: "failed")
        failed.error = "broken.wav: not an audio file"
        let r = AlbumReport(target: LoudnessTarget.presets["spotify"]!, rule: "r", tonalTargetName: "t",
                            tracks: [line("a", tone: 1), line("b", tone: 1.2), line("odd", tone: 4.5), line("low", tone: 1, after: -14.5), failed],
                            profilesBefore: [], profilesAfter: [], ceilingDBTP: -1, wallSeconds: 1, jobs: 2)
        #expect(r.items.contains { $0.key == "album.failed" && $0.title.contains("broken") })
        #expect(r.items.contains { $0.key == "album.tone-outlier" && $0.title.contains("odd") })
        #expect(!r.items.contains { $0.key == "album.tone-outlier" && $0.title.contains("b ") })
        #expect(r.items.contains { $0.key == "album.loudness" && $0.title.contains("low") })
        #expect(abs(r.loudnessSpreadAfterLU - 0.5) < 1e-9)
        // Evenly far (no outlier, but over 2.5 dB): an open item, never "✓ within 3.3 dB" against "expected 2.5".
        let even = AlbumReport(target: LoudnessTarget.presets["spotify"]!, rule: "r", tonalTargetName: "t",
                               tracks: [line("a", tone: 3.0), line("b", tone: 3.27)], profilesBefore: [], profilesAfter: [],
                               ceilingDBTP: -1, wallSeconds: 1, jobs: 2)
        #expect(!even.items.contains { $0.key == "album.tone" })
        #expect(even.items.contains { $0.key == "album.tone-spread" && $0.status == .stillOpen && $0.title.contains("3.3") })
        let close = AlbumReport(target: LoudnessTarget.presets["spotify"]!, rule: "r", tonalTargetName: "t",
                                tracks: [line("a", tone: 1.0), line("b", tone: 1.4)], profilesBefore: [], profilesAfter: [],
                                ceilingDBTP: -1, wallSeconds: 1, jobs: 2)
        #expect(close.items.contains { $0.key == "album.tone" && $0.status == .kept && $0.title.contains("within 1.4 dB") })
    }
}
