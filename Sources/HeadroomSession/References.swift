import Foundation
import HeadroomMastering

/// Reference tracks as the planner takes them: each read, analyzed and measured on the same span as the
/// mix, then blended by weight. `headroom master`, `headroom album` and the studio all read them here.
public enum References {
    /// One reference, named after its file (or `name`).
    public static func measure(_ path: String, name: String? = nil, span: ReferenceProfile.Span = .loud) throws -> ReferenceProfile {
        let reference = try Mix.load(path)
        return ReferenceProfile.measure(reference.audio, analysis: try reference.analyze(),
                                        name: name ?? (path as NSString).lastPathComponent, span: span)
    }

    /// Several, blended by `weights` (one per path); nil without references.
    public static func profile(_ paths: [String], weights: [Double], span: ReferenceProfile.Span,
                               say: (String) -> Void = { _ in }) throws -> ReferenceProfile? {
        guard !paths.isEmpty else { return nil }
        let profiles = try paths.map { path in
            say("analyzing the reference \((path as NSString).lastPathComponent)")
            return try measure(path, span: span)
        }
        return ReferenceProfile.blend(profiles, weights: weights)
    }
}
