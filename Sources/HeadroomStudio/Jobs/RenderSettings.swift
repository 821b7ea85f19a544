import Foundation
import HeadroomMastering
import HeadroomSession

/// What the page's controls ask of a render: the target and the chain's switches. Validated with the same
/// ranges as the command line's options.
public struct RenderSettings: Codable, Sendable, Equatable {
    public var target: String = "spotify"
    public var lufs: Double?
    public var ceiling: Double?
    public var evenOut: Double = Planner.defaultEvenOut
    /// Put the song's shape back after the limiter (the CLI's --keep-shape).
    public var keepShape = true
    public var sectionGain = true
    public var eq = true
    public var compressor = true
    public var stereoLows = true
    /// With the song's reference: how far each aspect is matched (0...1). Loudness 0 by default: the
    /// target's loudness is what the master hits unless the user asks for the reference's.
    public var matchEQ = 1.0
    public var matchWidth = 1.0
    public var matchLoudness = 0.0
    public var matchDynamics = 0.5
    /// The chain's settings set in the page (nil: the planner's).
    public var chain: ChainEdits?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case target, lufs, ceiling, evenOut, keepShape, sectionGain, eq, compressor, stereoLows, matchEQ, matchWidth, matchLoudness, matchDynamics, chain
    }

    /// Missing keys keep their defaults, so the page (or a script) sends only what it changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        target = try c.decodeIfPresent(String.self, forKey: .target) ?? target
        lufs = try c.decodeIfPresent(Double.self, forKey: .lufs)
        ceiling = try c.decodeIfPresent(Double.self, forKey: .ceiling)
        evenOut = try c.decodeIfPresent(Double.self, forKey: .evenOut) ?? evenOut
        keepShape = try c.decodeIfPresent(Bool.self, forKey: .keepShape) ?? keepShape
        sectionGain = try c.decodeIfPresent(Bool.self, forKey: .sectionGain) ?? sectionGain
        eq = try c.decodeIfPresent(Bool.self, forKey: .eq) ?? eq
        compressor = try c.decodeIfPresent(Bool.self, forKey: .compressor) ?? compressor
        stereoLows = try c.decodeIfPresent(Bool.self, forKey: .stereoLows) ?? stereoLows
        matchEQ = try c.decodeIfPresent(Double.self, forKey: .matchEQ) ?? matchEQ
        matchWidth = try c.decodeIfPresent(Double.self, forKey: .matchWidth) ?? matchWidth
        matchLoudness = try c.decodeIfPresent(Double.self, forKey: .matchLoudness) ?? matchLoudness
        matchDynamics = try c.decodeIfPresent(Double.self, forKey: .matchDynamics) ?? matchDynamics
        chain = try c.decodeIfPresent(ChainEdits.self, forKey: .chain)
    }

    /// The match amounts for the planner.
    public var matchAmounts: MatchAmounts {
        MatchAmounts(eq: matchEQ, width: matchWidth, loudness: matchLoudness, dynamics: matchDynamics)
    }

    public func validate() throws {
        guard LoudnessTarget.presets[target] != nil else {
            throw JobError.usage("unknown target '\(target)'; choose one of \(LoudnessTarget.presetNames.joined(separator: ", "))")
        }
        if let lufs, !(lufs.isFinite && (-40.0 ... -3.0).contains(lufs)) { throw JobError.usage("LUFS must be between -40 and -3") }
        if let ceiling, !(ceiling.isFinite && (-9.0 ... 0.0).contains(ceiling)) { throw JobError.usage("the ceiling must be between -9 and 0 dBTP") }
        guard evenOut.isFinite, (0.0...1.0).contains(evenOut) else { throw JobError.usage("even-out must be between 0 and 1") }
        for (name, v) in [("EQ", matchEQ), ("width", matchWidth), ("loudness", matchLoudness), ("dynamics", matchDynamics)]
        where !(v.isFinite && (0.0...1.0).contains(v)) {
            throw JobError.usage("match \(name) must be between 0 and 1")
        }
        try chain?.validate()
    }

    /// The loudness target with the overrides applied.
    public var loudnessTarget: LoudnessTarget {
        var t = LoudnessTarget.presets[target] ?? LoudnessTarget.presets["spotify"]!
        if let lufs { t.integratedLUFS = lufs; t.name = "\(target) at \(lufs) LUFS" }
        if let ceiling { t.ceilingDBTP = ceiling }
        return t
    }

    /// The chain's edits and the stages the user switched off, applied to a plan (and said in its decisions).
    public func apply(to plan: inout MasteringPlan) {
        chain?.apply(to: &plan, compressorAllowed: compressor, eqAllowed: eq)
        if !sectionGain { plan.sectionGain.enabled = false }
        if !eq { plan.eq.enabled = false }
        if !compressor { plan.compressor.enabled = false }
        if !stereoLows { plan.stereoLows.enabled = false }
        SessionEdits.describe(&plan)
    }
}
