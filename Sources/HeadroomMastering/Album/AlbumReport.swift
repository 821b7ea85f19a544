import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP

/// The album session's result: per-track loudness and tone before and after, the spreads, and an album
/// checklist naming the outliers.
public struct AlbumReport: Codable, Sendable, Equatable {
    /// One track's line.
    public struct Track: Codable, Sendable, Equatable {
        public var name: String
        public var input: String
        public var output: String?
        /// "mastered" or "failed".
        public var status: String
        public var error: String?
        public var beforeLUFS: Double?
        public var afterLUFS: Double?
        public var targetLUFS: Double?
        public var offsetLU: Double?
        public var loudnessReason: String?
        public var truePeak8xDBTP: Double?
        /// Tonal distance (loud parts) to the album's tonal target, before and after.
        public var tonalDistanceBeforeDB: Double?
        public var tonalDistanceAfterDB: Double?
        public var guardLimited: Bool?
        public var seconds: Double?

        public init(name: String, input: String, status: String) {
            self.name = name; self.input = input; self.status = status
        }
    }

    public var target: LoudnessTarget
    /// The loudness rule in words, with its parameters.
    public var rule: String
    public var tonalTargetName: String
    public var tracks: [Track]
    /// Loudest minus quietest integrated loudness of the mixes and of the masters (LU).
    public var loudnessSpreadBeforeLU: Double
    public var loudnessSpreadAfterLU: Double
    /// Mean over bands of the standard deviation of the loud parts' normalized band levels (dB).
    public var tonalSpreadBeforeDB: Double
    public var tonalSpreadAfterDB: Double
    public var items: [ChecklistItem]
    /// Wall time of the whole album and the jobs used.
    public var wallSeconds: Double
    public var jobs: Int

    public init(target: LoudnessTarget, rule: String, tonalTargetName: String, tracks: [Track],
                profilesBefore: [ReferenceProfile], profilesAfter: [ReferenceProfile], ceilingDBTP: Double,
                wallSeconds: Double, jobs: Int) {
        self.target = target; self.rule = rule; self.tonalTargetName = tonalTargetName; self.tracks = tracks
        self.wallSeconds = wallSeconds; self.jobs = jobs
        func spread(_ values: [Double]) -> Double { (values.max() ?? 0) - (values.min() ?? 0) }
        loudnessSpreadBeforeLU = spread(tracks.compactMap(\.beforeLUFS))
        loudnessSpreadAfterLU = spread(tracks.compactMap(\.afterLUFS))
        tonalSpreadBeforeDB = AlbumPlanner.tonalSpreadDB(profilesBefore)
        tonalSpreadAfterDB = AlbumPlanner.tonalSpreadDB(profilesAfter)
        items = Self.checklist(tracks, ceilingDBTP: ceilingDBTP)
    }

    /// A track whose tone sits this far from the album's after mastering is named as an outlier.
    public static let tonalOutlierDB = 2.5

    static func checklist(_ tracks: [Track], ceilingDBTP: Double) -> [ChecklistItem] {
        var items: [ChecklistItem] = []
        func add(_ key: String, _ kind: ChecklistItem.Kind, _ severity: ChecklistItem.Severity, _ title: String,
                 value: Double, unit: String, expected: String, action: String, status: ChecklistItem.Status) {
            items.append(ChecklistItem(id: items.count + 1, key: key, kind: kind, severity: severity, title: title, timeRanges: [],
                                       measuredValue: (value * 100).rounded() / 100, unit: unit, expected: expected,
                                       action: action, status: status, note: nil))
        }
        let d = { (x: Double) in NumberText.decimal(x) }
        for t in tracks where t.status != "mastered" {
            add("album.failed", .problem, .critical, "\(t.name) failed: \(t.error ?? "unknown error")", value: 0, unit: "",
                expected: "every track mastered", action: "Fix the file and run the album again (the other tracks are done).", status: .stillOpen)
        }
        let done = tracks.filter { $0.status == "mastered" }
        for t in done {
            if let after = t.afterLUFS, let target = t.targetLUFS, abs(after - target) > 0.1 {
                add("album.loudness", .problem, .major,
                    "\(t.name) at \(NumberText.decimal(after, digits: 2)) LUFS for its album target of \(d(target))\(t.guardLimited == true ? " (the limiting guard stopped it)" : "")",
                    value: after, unit: "LUFS", expected: "within ±0.1 LU of \(d(target))",
                    action: t.guardLimited == true ? "Its loudest section would need more limiting than allowed: accept it, or lower the album target." : "Re-render this track.",
                    status: .stillOpen)
            }
            if let tp = t.truePeak8xDBTP, tp > ceilingDBTP + 1e-6 {
                add("album.ceiling", .problem, .critical, "\(t.name) peaks at \(NumberText.decimal(tp, digits: 2)) dBTP over the album ceiling \(d(ceilingDBTP))",
                    value: tp, unit: "dBTP", expected: "at or below \(d(ceilingDBTP))", action: "Re-render with a lower ceiling.", status: .stillOpen)
            }
        }
        // Tonal outliers: far from the album's target, or far more than the others.
        let distances = done.compactMap { t in t.tonalDistanceAfterDB.map { (t, $0) } }
        let sorted = distances.map(\.1).sorted()
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        for (t, dist) in distances where dist > tonalOutlierDB && dist > 1.5 * median {
            add("album.tone-outlier", .problem, .minor,
                "\(t.name) stands out in tone: \(d(dist)) dB from the album's balance (median \(d(median)) dB)",
                value: dist, unit: "dB", expected: "within \(d(tonalOutlierDB)) dB",
                action: "Raise --album-eq for a closer match, or revisit this mix: it may be meant to stand out.", status: .stillOpen)
        }
        if distances.count > 1 && !items.contains(where: { $0.key == "album.tone-outlier" }) {
            let worst = sorted.last ?? 0
            if worst <= tonalOutlierDB {
                add("album.tone", .strength, .info, "The tracks sit together in tone (each within \(d(worst)) dB of the album's balance)",
                    value: worst, unit: "dB", expected: "within \(d(tonalOutlierDB)) dB", action: "Nothing to do.", status: .kept)
            } else {
                // No one track stands out, but the album as a whole is not within the range: say so, never ✓.
                add("album.tone-spread", .problem, .minor,
                    "The tracks are evenly spread in tone: up to \(d(worst)) dB from the album's balance (median \(d(median)) dB)",
                    value: worst, unit: "dB", expected: "within \(d(tonalOutlierDB)) dB",
                    action: "Raise --album-eq to bring every track closer to one balance.", status: .stillOpen)
            }
        }
        return items
    }
}
