import Foundation
import HeadroomMastering
import HeadroomSession

/// The chain's settings as the page's controls set them: each one given replaces the planner's choice
/// (nil keeps it). Applied after planning and described in the plan's decisions ("set in the session"),
/// so the render's session says what was rendered; checked with the session's own ranges.
public struct ChainEdits: Codable, Sendable, Equatable {
    /// The tonal EQ's bands (replacing the planner's; an empty list is a flat EQ).
    public var eqBands: [EQBand]?
    public var compressorThresholdDB: Double?
    public var compressorRatio: Double?
    public var compressorAttackMilliseconds: Double?
    public var compressorReleaseMilliseconds: Double?
    public var limiterLookaheadMilliseconds: Double?
    public var limiterReleaseMilliseconds: Double?
    /// The side signal's level above `widthShelfHz` (dB): positive wider, negative narrower; 0 or nil
    /// keeps the plan's width (none without a reference).
    public var widthDB: Double?

    /// Where the width control's shelf sits: above the lows, which stay mono-safe.
    public static let widthShelfHz = 300.0

    public init() {}

    var compressorEdited: Bool {
        [compressorThresholdDB, compressorRatio, compressorAttackMilliseconds, compressorReleaseMilliseconds].contains { $0 != nil }
    }

    var widthBands: [EQBand]? {
        widthDB.flatMap { $0 == 0 ? nil : [EQBand(kind: .highShelf, frequencyHz: Self.widthShelfHz, gainDB: $0, q: 0.7)] }
    }

    /// The compressor `base` with the edits.
    func compressor(_ base: CompressorSettings) -> CompressorSettings {
        var k = base
        if let v = compressorThresholdDB { k.thresholdDB = v }
        if let v = compressorRatio { k.ratio = v }
        if let v = compressorAttackMilliseconds { k.attackMilliseconds = v }
        if let v = compressorReleaseMilliseconds { k.releaseMilliseconds = v; k.slowReleaseMilliseconds = max(k.slowReleaseMilliseconds, v) }
        return k
    }

    func limiter(_ base: LimiterSettings) -> LimiterSettings {
        var l = base
        if let v = limiterLookaheadMilliseconds { l.lookaheadMilliseconds = v }
        if let v = limiterReleaseMilliseconds { l.releaseMilliseconds = v }
        return l
    }

    /// One line naming the setting and its range when a value is outside what a session may hold.
    public func validate() throws {
        if let widthDB, !(widthDB.isFinite && (-12.0...12.0).contains(widthDB)) { throw JobError.usage("width must be between -12 and +12 dB") }
        do {
            try PlanValidation.validateStages(eqBands: eqBands, widthBands: widthBands,
                                              compressor: compressorEdited ? compressor(CompressorSettings(enabled: true)) : nil,
                                              limiter: limiterLookaheadMilliseconds != nil || limiterReleaseMilliseconds != nil ? limiter(LimiterSettings()) : nil)
        } catch let e as PlanValidationError {
            throw JobError.usage("\(Self.label(e.key)) is \(e.value); allowed \(e.allowed)")
        }
    }

    /// A session key as the page's controls name it: "plan.eq.bands[3].frequencyHz" → "EQ band 4 Hz".
    static func label(_ key: String) -> String {
        let names = ["frequencyHz": "Hz", "gainDB": "dB", "q": "Q", "thresholdDB": "threshold", "ratio": "ratio",
                     "attackMilliseconds": "attack (ms)", "releaseMilliseconds": "release (ms)", "slowReleaseMilliseconds": "release (ms)",
                     "lookaheadMilliseconds": "lookahead (ms)"]
        let parts = key.split(separator: ".").map(String.init)
        let field = names[parts.last ?? ""] ?? parts.last ?? key
        func index(_ part: String) -> Int? { part.split(separator: "[").last.flatMap { Int($0.dropLast()) } }
        if key.hasPrefix("plan.eq.bands"), let i = parts.dropFirst(2).first.flatMap(index) { return "EQ band \(i + 1) \(field)" }
        if key.hasPrefix("plan.width") { return "width \(field)" }
        if key.hasPrefix("plan.compressor") { return "compressor \(field)" }
        if key.hasPrefix("plan.limiter") { return "limiter \(field)" }
        return key
    }

    /// The edits on a plan. The stage switches (`RenderSettings`) still decide whether a stage runs; an
    /// edited compressor runs even where the planner left it off.
    public func apply(to plan: inout MasteringPlan, compressorAllowed: Bool, eqAllowed: Bool) {
        if let eqBands, eqAllowed { plan.eq.bands = eqBands; plan.eq.enabled = !eqBands.isEmpty }
        if compressorEdited && compressorAllowed { plan.compressor = compressor(plan.compressor); plan.compressor.enabled = true }
        plan.limiter = limiter(plan.limiter)
        if let bands = widthBands { plan.width = WidthSettings(enabled: true, sideBands: bands) }
    }
}
