import ArgumentParser
import Foundation
import HeadroomAnalysis
import HeadroomIO
import HeadroomMastering
import HeadroomSession

extension ReferenceProfile.Span: ExpressibleByArgument {}

/// A number as a person types or copies it: "-1.6", or "−1.6" with the Unicode minus Headroom's reports print.
struct Number: ExpressibleByArgument, Sendable {
    let value: Double
    init?(argument: String) {
        let text = argument.replacingOccurrences(of: "\u{2212}", with: "-").trimmingCharacters(in: .whitespaces)
        guard let v = Double(text), v.isFinite else { return nil }
        value = v
    }
    init(_ value: Double) { self.value = value }
}

/// A sample rate: "48000", "48k", "44.1k", "96 kHz".
struct SampleRate: ExpressibleByArgument, Sendable {
    let hertz: Double
    init?(argument: String) {
        var text = argument.lowercased().replacingOccurrences(of: " ", with: "")
        var scale = 1.0
        if text.hasSuffix("khz") { text.removeLast(3); scale = 1000 } else if text.hasSuffix("k") { text.removeLast(); scale = 1000 }
        else if text.hasSuffix("hz") { text.removeLast(2) }
        guard let v = Double(text), v.isFinite else { return nil }
        hertz = (v * scale).rounded()
    }
}

/// `--json` and `--json-file`, the same in every command: `--json` prints the command's JSON on stdout
/// (instead of the text), `--json-file FILE` also writes it to FILE (kept unless --force; never an input).
struct JSONOptions: ParsableArguments {
    @Flag(help: "Print the result as JSON on stdout instead of text.")
    var json = false

    @Option(name: .customLong("json-file"), help: ArgumentHelp("Also write the JSON to this file.", valueName: "FILE"))
    var jsonFile: String?

    func validate(inputs: [String]) throws {
        guard let jsonFile else { return }
        if let input = inputs.first(where: { AudioFileWriter.sameFile(jsonFile, $0) }) {
            throw ValidationError("--json-file \(jsonFile) is the input \(input); Headroom never writes to its inputs")
        }
    }

    /// Writes `data` to `--json-file`, when given.
    func write(_ data: Data, force: Bool, protecting: [String]) throws {
        guard let jsonFile else { return }
        try ReportJob.write(String(decoding: data, as: UTF8.self) + "\n", to: jsonFile, existing: force ? .overwrite : .keep,
                            protecting: protecting)
    }
}

/// The loudness target options of `master` and `album`.
struct LoudnessOptions: ParsableArguments {
    @Option(help: "Loudness target preset: \(LoudnessTarget.presetNames.joined(separator: ", ")) (default spotify). master: several, comma-separated, make one master each from one analysis.")
    var target: String?

    @Option(parsing: .unconditional, help: "Integrated loudness in LUFS (overrides the preset's; for an album, the loudest track's), e.g. --lufs -12.")
    var lufs: Number?

    @Option(parsing: .unconditional, help: "True-peak ceiling in dBTP (overrides the preset's), e.g. --ceiling -1.5.")
    var ceiling: Number?

    /// The preset names given (["spotify"] when none).
    var presetNames: [String] {
        (target ?? "spotify").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// Whether the user chose a target (preset, LUFS or ceiling) on the command line.
    var given: Bool { target != nil || lufs != nil || ceiling != nil }

    func validate() throws {
        for name in presetNames where LoudnessTarget.presets[name] == nil && !(lufs != nil && target == nil) {
            throw ValidationError("unknown target '\(name)'; choose one of \(LoudnessTarget.presetNames.joined(separator: ", ")) or give --lufs")
        }
        if Set(presetNames).count != presetNames.count { throw ValidationError("--target names a preset twice") }
        if let lufs, !(-40.0 ... -3.0).contains(lufs.value) { throw ValidationError("--lufs must be between -40 and -3") }
        if let ceiling, !(-9.0 ... 0.0).contains(ceiling.value) { throw ValidationError("--ceiling must be between -9 and 0 dBTP") }
    }

    /// Every target asked for, with the overrides applied.
    func choices() -> [LoudnessTarget] {
        presetNames.map { name in
            var t = LoudnessTarget.presets[name] ?? LoudnessTarget(name: "custom", integratedLUFS: lufs?.value ?? -14, ceilingDBTP: -1)
            if let lufs = lufs?.value {
                t.integratedLUFS = lufs
                if LoudnessTarget.presets[name] != nil && target != nil { t.name = "\(name) at \(lufs) LUFS" } else { t.name = "custom" }
            }
            if let ceiling = ceiling?.value { t.ceilingDBTP = ceiling }
            return t
        }
    }

    /// The one target (album; the first of several).
    func choice() -> LoudnessTarget { choices()[0] }
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

    /// The match amounts. An explicit `--target`/`--lufs` is what the master hits: the reference moves the
    /// loudness only when no target was given, or when `--match loudness=…` asks for it.
    func amounts(explicitTarget: Bool = false) throws -> MatchAmounts {
        var amounts = MatchAmounts()
        if let matchText {
            do { amounts = try MatchAmounts.parse(matchText) } catch let e as MatchError { throw ValidationError("--match \(e)") }
        }
        if explicitTarget && !(matchText ?? "").lowercased().contains("loudness") { amounts.loudness = 0 }
        return amounts
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
        try References.profile(references, weights: try weights(), span: span, say: say)
    }
}
