import HeadroomAnalysis

/// The session's checklist: problems to fix, strengths to keep, and facts to know, each with times, the
/// measured value, what was expected and what to do. Later stages name the items they serve and the
/// verifier ticks them off.
public struct Checklist: Codable, Sendable, Equatable {
    public var items: [ChecklistItem]

    public init(items: [ChecklistItem]) { self.items = items }

    /// Items of one kind.
    public func items(_ kind: ChecklistItem.Kind) -> [ChecklistItem] { items.filter { $0.kind == kind } }

    /// The item with a rule key, if present.
    public func item(key: String) -> ChecklistItem? { items.first { $0.key == key } }
}

/// One entry of the checklist.
public struct ChecklistItem: Codable, Sendable, Equatable {
    /// Problem to fix, strength to keep, or information.
    public enum Kind: String, Codable, Sendable { case problem, strength, info }
    /// How much it matters, most urgent first.
    public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
        case critical, major, minor, info
        var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    }
    /// Where the item stands in the session.
    public enum Status: String, Codable, Sendable { case open, fixed, kept, stillOpen = "still-open", noted }

    /// 1-based number in this checklist ("item #4").
    public var id: Int
    /// Stable rule key, e.g. "tone.boomy".
    public var key: String
    public var kind: Kind
    public var severity: Severity
    public var title: String
    /// Where it happens; empty when it concerns the whole song.
    public var timeRanges: [TimeRange]
    /// The measured value, with its unit.
    public var measuredValue: Double
    public var unit: String
    /// What a good value is, in words.
    public var expected: String
    /// What to do about it.
    public var action: String
    public var status: Status
    /// The user's note, if any.
    public var note: String?

    public init(id: Int, key: String, kind: Kind, severity: Severity, title: String, timeRanges: [TimeRange],
                measuredValue: Double, unit: String, expected: String, action: String, status: Status, note: String?) {
        self.id = id; self.key = key; self.kind = kind; self.severity = severity; self.title = title
        self.timeRanges = timeRanges; self.measuredValue = measuredValue; self.unit = unit
        self.expected = expected; self.action = action; self.status = status; self.note = note
    }
}
