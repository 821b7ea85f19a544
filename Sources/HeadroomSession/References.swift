import Foundation
import HeadroomAnalysis
import HeadroomIO
import HeadroomMastering

/// Reference tracks as the planner takes them: each read, analyzed and measured on the same span as the
/// mix, then blended by weight. `headroom master`, `headroom album` and the studio all read them here.
public enum References {
    /// One reference, named after its file (or `name`): analyzed as it is read, then read again for its span's
    /// frames, measured as they come (never held whole: a reference as long as the mix costs no memory). The
    /// same profile as measuring the file decoded whole.
    public static func measure(_ path: String, name: String? = nil, span: ReferenceProfile.Span = .loud) throws -> ReferenceProfile {
        try analyzeAndMeasure(path, name: name, span: span).profile
    }

    /// The same, with the track's analysis (an album's tracks: analyzed and profiled without being held).
    public static func analyzeAndMeasure(_ path: String, name: String? = nil,
                                         span: ReferenceProfile.Span = .loud) throws -> (analysis: Analysis, profile: ReferenceProfile) {
        let (analysis, info) = try Mix.analyze(path: path)
        let ranges = span.ranges(analysis)
        let sections = SectionsSink(sections: ranges, sampleRate: info.sampleRateHz, channelCount: info.channelCount)
        do {
            let again = try AudioFileReader.forEachBlock(path: path) { sections.add($0) }
            guard again.frameCount == info.frameCount else {
                throw JobError(.failure, "\(path): changed while it was being read (\(info.frameCount) frames, then \(again.frameCount))")
            }
        } catch let error as AudioFileError {
            throw JobError(.failure, error.description)
        }
        return (analysis, sections.profile(integratedLUFS: analysis.loudness.integratedLUFS, name: name ?? (path as NSString).lastPathComponent,
                                           ranges: ranges))
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
