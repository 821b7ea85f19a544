import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomTranslation

/// The session file (`song.master.wav.headroom.json`, beside its master): the plan, the checklist with its statuses and the user's
/// notes, and the last report. Edit it (notes, a stage's settings, `enabled: false`, the target) and
/// re-render with `--session`: the same input and session give the same output bytes.
public struct Session: Codable, Sendable, Equatable {
    public var schemaVersion = 2
    public var tool = "headroom"
    public var toolVersion: String
    /// The input the session belongs to.
    public var input: InputFile
    public var plan: MasteringPlan
    public var checklist: Checklist
    public var report: MasterReport?
    /// How the master translates (speakers, platforms, codecs on its loudest section).
    public var translation: TranslationReport?

    public init(toolVersion: String, input: InputFile, plan: MasteringPlan, checklist: Checklist, report: MasterReport?,
                translation: TranslationReport? = nil) {
        self.toolVersion = toolVersion; self.input = input; self.plan = plan; self.checklist = checklist; self.report = report
        self.translation = translation
    }

    public func jsonData() throws -> Data {
        let encoder = ReportJSON.encoder()
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> Session {
        try JSONDecoder().decode(Session.self, from: data)
    }

    /// Carries the user's notes from an earlier checklist to a new one (matched by key and title start).
    public static func carryNotes(from old: Checklist, to new: Checklist) -> Checklist {
        var items = new.items
        for i in items.indices {
            if let match = old.items.first(where: { $0.key == items[i].key && $0.note != nil }) { items[i].note = match.note }
        }
        return Checklist(items: items)
    }
}
