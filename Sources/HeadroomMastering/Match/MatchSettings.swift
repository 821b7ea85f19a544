import Foundation

/// How far each aspect is matched to the reference, 0...1 (`--match eq=0.6,width=1,loudness=1,dynamics=0.5`).
public struct MatchAmounts: Codable, Sendable, Equatable {
    public var eq: Double
    public var width: Double
    public var loudness: Double
    public var dynamics: Double
    public init(eq: Double = 1, width: Double = 1, loudness: Double = 1, dynamics: Double = 0.5) {
        self.eq = eq; self.width = width; self.loudness = loudness; self.dynamics = dynamics
    }

    /// Parses "eq=0.6,width=1": named amounts, the others keep their defaults.
    public static func parse(_ text: String) throws -> MatchAmounts {
        var m = MatchAmounts()
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let v = Double(kv[1]), (0...1).contains(v) else {
                throw MatchError("'\(part)': write aspect=amount with an amount from 0 to 1, e.g. eq=0.6,width=1")
            }
            switch kv[0].lowercased() {
            case "eq", "tone": m.eq = v
            case "width": m.width = v
            case "loudness": m.loudness = v
            case "dynamics": m.dynamics = v
            default: throw MatchError("unknown aspect '\(kv[0])': choose eq, width, loudness, dynamics")
            }
        }
        return m
    }

    /// "eq 100 %, width 100 %, loudness 100 %, dynamics 50 %".
    public var description: String {
        [("eq", eq), ("width", width), ("loudness", loudness), ("dynamics", dynamics)]
            .map { "\($0.0) \(Int(($0.1 * 100).rounded())) %" }.joined(separator: ", ")
    }
}

/// A bad --match or --weight value.
public struct MatchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What the plan keeps of reference matching: the (blended) reference, the mix measured the same way, and
/// the amounts. The verifier measures the master on the same section and reports the distances.
public struct MatchSettings: Codable, Sendable, Equatable {
    public var reference: ReferenceProfile
    public var mix: ReferenceProfile
    public var amounts: MatchAmounts
    /// True once the EQ has been refined on a rendered master (the renderer does it once; a session
    /// re-render keeps the refined EQ, so the same session gives the same bytes).
    public var refined: Bool
    public init(reference: ReferenceProfile, mix: ReferenceProfile, amounts: MatchAmounts, refined: Bool = false) {
        self.reference = reference; self.mix = mix; self.amounts = amounts; self.refined = refined
    }
}

/// Before/after distances to the reference, for the report.
public struct MatchReport: Codable, Sendable, Equatable {
    public var referenceName: String
    public var amounts: MatchAmounts
    public var before: MatchDistances
    public var after: MatchDistances
    /// The master measured on the mix's loud part, as the reference and the mix were (for plots).
    public var master: ReferenceProfile
}
