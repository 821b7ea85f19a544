import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomMastering
import HeadroomSession

/// Everything the page shows of one song, in one JSON answer.
public struct SongView: Codable, Sendable {
    public struct Numbers: Codable, Sendable {
        public var integratedLUFS: Double
        public var truePeakDBTP: Double
        public var loudnessRangeLU: Double
        public var plrDB: Double
        public var crestFactorDB: Double
        public var dynamicRangeDR: Int
        public var monoLossLU: Double?

        init(_ a: Analysis) {
            integratedLUFS = a.loudness.integratedLUFS; truePeakDBTP = a.levels.truePeakDBTP
            loudnessRangeLU = a.loudness.loudnessRangeLU; plrDB = a.levels.plrDB; crestFactorDB = a.levels.crestFactorDB
            dynamicRangeDR = a.levels.dynamicRangeDR; monoLossLU = a.stereo?.monoFoldLossLU
        }

        init(_ m: MasterReport.Metrics, truePeak: Double) {
            integratedLUFS = m.integratedLUFS; truePeakDBTP = truePeak; loudnessRangeLU = m.loudnessRangeLU; plrDB = m.plrDB
            crestFactorDB = m.crestFactorDB; dynamicRangeDR = m.dynamicRangeDR; monoLossLU = nil
        }
    }

    public struct Section: Codable, Sendable {
        public var index: Int
        public var startSeconds: Double
        public var endSeconds: Double
        public var role: String
        public var integratedLUFS: Double
    }

    public struct Item: Codable, Sendable {
        public var id: Int
        public var key: String
        public var kind: String
        public var severity: String
        public var title: String
        public var expected: String?
        public var action: String?
        public var startSeconds: Double?
        public var done: Bool
        /// After the selected render: fixed / kept / still-open / noted.
        public var status: String?
    }

    /// The chain as a render had it, for the page's controls to start from.
    public struct Chain: Codable, Sendable {
        public var eq: ToneEQSettings
        public var compressor: CompressorSettings
        public var limiter: LimiterSettings
        public var width: WidthSettings?
    }

    /// What the page shows of a finished render, written beside its master when it finishes
    /// (`summary.json`), so opening a song reads one small file per render instead of its session and the
    /// master's whole analysis.
    public struct RenderSummary: Codable, Sendable {
        public var after: Numbers
        public var chain: Chain
        public var masterLUFS: Double
        public var verdict: String

        static func make(_ session: Session, master: Analysis) -> RenderSummary? {
            guard let report = session.report else { return nil }
            var after = Numbers(report.after, truePeak: report.truePeak8xDBTP)
            after.monoLossLU = master.stereo?.monoFoldLossLU
            let p = session.plan
            return RenderSummary(after: after, chain: Chain(eq: p.eq, compressor: p.compressor, limiter: p.limiter, width: p.width),
                                 masterLUFS: report.after.integratedLUFS,
                                 verdict: report.targetHit && report.ceilingHeld ? "target and ceiling held"
                                     : report.targetHit ? "ceiling missed" : "target missed (limiting guard)")
        }
    }

    public struct Render: Codable, Sendable {
        public var record: RenderRecord
        public var chain: Chain?
        public var after: Numbers?
        public var settings: RenderSettings?
        /// The gain that plays the master at the mix's loudness (mix LUFS − master LUFS), in dB.
        public var matchGainDB: Double?
        public var verdict: String?
    }

    /// The song's reference, when one is chosen: to play (at the mix's loudness) and to match.
    public struct Reference: Codable, Sendable {
        public var id: String
        public var name: String
        public var integratedLUFS: Double
    }

    public var song: SongRecord
    public var reference: Reference?
    public var format: String?
    public var numbers: Numbers?
    public var sections: [Section]
    public var loudestSectionIndex: Int?
    public var checklist: [Item]
    public var notes: [NoteRecord]
    public var renders: [Render]
    public var jobs: [JobRecord]
}

extension Studio {
    /// A finished render's summary: its `summary.json`, or (renders made before there was one) made from
    /// its session and the master's analysis, and kept for next time.
    func renderSummary(song: String, render: String) -> SongView.RenderSummary? {
        let file = store.renderFolder(song: song, render: render).appendingPathComponent("summary.json")
        if let data = try? Data(contentsOf: file), let summary = try? JSONDecoder().decode(SongView.RenderSummary.self, from: data) {
            return summary
        }
        guard let session = try? session(song: song, render: render), let master = try? masterAnalysis(song: song, render: render),
              let summary = SongView.RenderSummary.make(session, master: master) else { return nil }
        try? Self.writeJSON(summary, to: file)
        return summary
    }

    /// The page's view of a song (and of its renders).
    public func view(songID: String) throws -> SongView? {
        guard let song = try store.song(songID) else { return nil }
        let saved = song.status == .ready ? try? analysis(songID) : nil
        let ticks = Dictionary(try store.ticks(song: songID).map { ($0.itemID, $0.done) }, uniquingKeysWith: { $1 })
        let renders: [SongView.Render] = try store.renders(song: songID).map { r in
            var v = SongView.Render(record: r)
            v.settings = try? JSONDecoder().decode(RenderSettings.self, from: Data(r.settingsJSON.utf8))
            if r.status == .done, let summary = renderSummary(song: songID, render: r.id) {
                v.after = summary.after
                v.chain = summary.chain
                if let mix = saved?.analysis.loudness.integratedLUFS { v.matchGainDB = mix - summary.masterLUFS }
                v.verdict = summary.verdict
            }
            return v
        }
        let lastSession = (try? store.renders(song: songID))?.last(where: { $0.status == .done }).flatMap { try? session(song: songID, render: $0.id) }
        let duration = saved?.analysis.durationSeconds ?? 0
        // After a render, each item reads as the master's verdict has it (its title with the figures after,
        // the reason when still open), and the master's own items (loudness, ceiling, shape) follow.
        let masterItems = lastSession?.checklist.items ?? []
        let mixItems = saved?.checklist.items ?? []
        var items: [SongView.Item] = mixItems.map { item in
            // An item about the whole song has no moment to jump to.
            let range = item.timeRanges.first.flatMap { $0.durationSeconds < 0.9 * duration ? $0 : nil }
            let after = masterItems.first { $0.id == item.id }
            return SongView.Item(id: item.id, key: item.key, kind: item.kind.rawValue, severity: item.severity.rawValue,
                                 title: after?.title ?? item.title, expected: item.expected,
                                 action: after?.status == .stillOpen ? after?.action : item.action, startSeconds: range?.startSeconds,
                                 done: ticks[item.id] ?? false, status: after?.status.rawValue)
        }
        let mixIDs = Set(mixItems.map(\.id))
        items += masterItems.filter { !mixIDs.contains($0.id) }.map { m in
            SongView.Item(id: m.id, key: m.key, kind: m.kind.rawValue, severity: m.severity.rawValue, title: m.title, expected: m.expected,
                          action: m.status == .stillOpen ? m.action : nil, startSeconds: nil, done: ticks[m.id] ?? false, status: m.status.rawValue)
        }
        let reference = try song.referenceID.flatMap { try store.song($0) }.flatMap { r in
            r.integratedLUFS.map { SongView.Reference(id: r.id, name: r.name, integratedLUFS: $0) }
        }
        return SongView(
            song: song, reference: reference, format: saved?.format, numbers: saved.map { SongView.Numbers($0.analysis) },
            sections: saved?.analysis.sections.map {
                SongView.Section(index: $0.index, startSeconds: $0.startSeconds, endSeconds: $0.endSeconds, role: $0.role.rawValue,
                                 integratedLUFS: $0.integratedLUFS)
            } ?? [],
            loudestSectionIndex: saved?.analysis.loudestSectionIndex, checklist: items, notes: try store.notes(song: songID),
            renders: renders, jobs: try store.jobs(song: songID).filter { $0.kind != .album })
    }
}
