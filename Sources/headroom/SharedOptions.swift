import ArgumentParser
import Foundation
import HeadroomAnalysis
import HeadroomMastering

extension ReferenceProfile.Span: ExpressibleByArgument {}

/// The loudness target options of `master` and `album`.
struct LoudnessOptions: ParsableArguments {
    @Option(help: "Loudness target preset: \(LoudnessTarget.presetNames.joined(separator: ", ")).")
    var target: String = "spotify"

    @Option(parsing: .unconditional, help: "Integrated loudness in LUFS (overrides the preset's; for an album, the loudest track's), e.g. --lufs -12.")
    var lufs: Double?

    @Option(parsing: .unconditional, help: "True-peak ceiling in dBTP (overrides the preset's), e.g. --ceiling -1.5.")
    var ceiling: Double?

    func validate() throws {
        if lufs == nil && LoudnessTarget.presets[target] == nil {
            throw ValidationError("unknown target '\(target)'; choose one of \(LoudnessTarget.presetNames.joined(separator: ", ")) or give --lufs")
        }
        if let lufs, !(-40.0 ... -3.0).contains(lufs) { throw ValidationError("--lufs must be between -40 and -3") }
        if let ceiling, !(-9.0 ... 0.0).contains(ceiling) { throw ValidationError("--ceiling must be between -9 and 0 dBTP") }
    }

    /// The preset with the overrides applied.
    func choice() -> LoudnessTarget {
        var t = LoudnessTarget.presets[target] ?? LoudnessTarget(name: "custom", integratedLUFS: lufs ?? -14, ceilingDBTP: -1)
        if let lufs { t.integratedLUFS = lufs; if LoudnessTarget.presets[target] != nil { t.name = "\(target) at \(lufs) LUFS" } }
        if let ceiling { t.ceilingDBTP = ceiling }
        return t
    }
}

/// The reference-matching options of `master` and `album`.
struct ReferenceOptions: ParsableArguments {
    @Option(name: .customLong("reference"), help: ArgumentHelp("A reference track to match (repeat for several); compared on the loud parts.", valueName: "REF"))
    var references: [String] = []

    @Option(help: ArgumentHelp("Weights of several references, e.g. 0.7,0.3 (default: equal).", valueName: "W,W"))
    var weight: String?

    @Option(name: .customLong("match"), help: ArgumentHelp("How far to match each aspect, 0 to 1: eq, width, loudness, dynamics (default eq=1,width=1,loudness=1,dynamics=0.5; in an album, loudness moves the loudest track's target and the rule places the others).", valueName: "ASPECT=X,..."))
    var matchText: String?

    @Option(name: .customLong("match-on"), help: "What mixes and references are compared on: loud (the loudest section and those within 3 LU) or whole (the whole track, as Matchering does).")
    var span: ReferenceProfile.Span = .loud

    func validate() throws {
        _ = try amounts()
        _ = try weights()
        if (weight != nil || matchText != nil) && references.isEmpty { throw ValidationError("--weight and --match need --reference") }
    }

    func amounts() throws -> MatchAmounts {
        guard let matchText else { return MatchAmounts() }
        do { return try MatchAmounts.parse(matchText) } catch let e as MatchError { throw ValidationError("--match \(e)") }
    }

    /// One weight per reference (equal when not given).
    func weights() throws -> [Double] {
        guard let weight else { return Array(repeating: 1, count: references.count) }
        let w = weight.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard w.count == references.count, w.allSatisfy({ ($0 ?? -1) > 0 }) else {
            throw ValidationError("--weight needs one positive number per --reference (\(references.count)), e.g. 0.7,0.3")
        }
        return w.map { $0! }
    }

    /// Reads, analyzes and measures each reference, then blends them by weight (nil without references).
    func profile(say: (String) -> Void = { _ in }) throws -> ReferenceProfile? {
        guard !references.isEmpty else { return nil }
        var profiles: [ReferenceProfile] = []
        for path in references {
            say("analyzing the reference \((path as NSString).lastPathComponent)")
            let (audio, _) = try loadMix(path)
            let analysis: Analysis
            do { analysis = try Analyzer().analyze(audio) } catch let e as AnalysisError {
                throw Failure(message: "\(path): \(e)")
            }
            profiles.append(ReferenceProfile.measure(audio, analysis: analysis, name: (path as NSString).lastPathComponent, span: span))
        }
        return ReferenceProfile.blend(profiles, weights: try weights())
    }
}
