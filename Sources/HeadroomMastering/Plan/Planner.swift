import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP

/// Turns the analysis, the checklist and the user's options into a `MasteringPlan`. Every setting comes
/// with a decision that names its reason and the checklist items it serves. The planner reads the audio
/// only to set the compressor on the loudest section; it never renders.
public struct Planner: Sendable {
    /// What the user asked for.
    public struct Options: Sendable {
        public var target: LoudnessTarget
        public var evenOut: Double = Planner.defaultEvenOut
        /// Section gain levels the sections into the chain and the shape stage puts them back after the
        /// limiter (as far as `evenOut` allows). Off: section gain alone, by `evenOut`, as the master keeps it.
        public var keepShape = true
        /// The soft clipper before the limiter: nil lets the target decide (on for loud targets).
        public var softClip: Bool?
        public var maxLimitingLU: Double = 4
        /// Mean gain reduction the glue compressor aims at on the loudest section.
        public var glueReductionDB: Double = 1.5
        public var output = OutputSettings()
        /// Reference matching: the (blended) reference's profile and how far to follow it.
        public var reference: ReferenceProfile?
        public var matchAmounts = MatchAmounts()
        /// What the mix is compared on (the reference must have been measured on the same span).
        public var matchSpan = ReferenceProfile.Span.loud
        public init(target: LoudnessTarget) { self.target = target }
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    /// The master keeps the mix's section distances unless the user asks to even them out.
    public static let defaultEvenOut = 0.0
    /// With the shape stage, how much of its distance to the loudest a section is brought up into the chain:
    /// half, so the compressor and the limiter treat the sections alike without pushing a quiet intro into
    /// a wall of gain reduction.
    static let chainLeveling = 0.5
    /// Bounds on automatic moves.
    static let maxSectionGainDB = 6.0
    static let maxEQGainDB = 3.0
    /// Share of a tonal deviation the EQ corrects: gentle, never chasing the target all the way.
    static let eqCorrection = 0.7

    public func plan(analysis a: Analysis, checklist: Checklist, audio: AudioBuffer) -> MasteringPlan {
        plan(analysis: a, checklist: checklist, source: audio,
             mixProfile: { ReferenceProfile.measure(audio, analysis: a, name: "mix", span: options.matchSpan) })
    }

    /// The same from a mix read as it is needed (its sections), not held in memory: a long input read from its
    /// file. Not for reference matching, which measures the mix whole.
    public func plan(analysis a: Analysis, checklist: Checklist, source: some AudioSource) -> MasteringPlan {
        precondition(options.reference == nil, "reference matching measures the mix whole: plan from its audio")
        return plan(analysis: a, checklist: checklist, source: source, mixProfile: { fatalError("unreachable") })
    }

    /// `mixProfile`: the mix measured as a reference is (called only with a reference).
    private func plan(analysis a: Analysis, checklist: Checklist, source audio: some AudioSource,
                      mixProfile: () -> ReferenceProfile) -> MasteringPlan {
        var decisions: [PlanDecision] = []
        func ids(_ keys: String...) -> [Int] { checklist.items.filter { keys.contains($0.key) }.map(\.id) }
        let loudestID = ids("sections.loudest")
        // With a reference: the mix measured as the reference was, and the loudness target it implies.
        let match = options.reference.map { MatchSettings(reference: $0, mix: mixProfile(), amounts: options.matchAmounts) }
        let target = match.map { matchedTarget($0) } ?? options.target
        var glueReductionDB = options.glueReductionDB

        // 1. Section gain (decisions written once the compressor is known, see below).
        let loudest = a.loudestSection
        let keepShape = options.keepShape && a.sections.count > 1
        let intoChain = keepShape ? max(options.evenOut, Self.chainLeveling) : options.evenOut
        var segments: [SectionGainSegment] = a.sections.map { s in
            let deficit = loudest.integratedLUFS - s.integratedLUFS
            let gain = s.integratedLUFS > -70 ? min(Self.maxSectionGainDB, max(0, intoChain * deficit)) : 0
            return SectionGainSegment(startSeconds: s.startSeconds, endSeconds: s.endSeconds, gainDB: gain)
        }

        // 2. Clean-up.
        let dcIDs = ids("dc.left", "dc.right", "dc.mono")
        let subIDs = ids("tone.sub")
        let cleanup = CleanupSettings(enabled: !dcIDs.isEmpty || !subIDs.isEmpty, removeDC: !dcIDs.isEmpty,
                                      highPassHz: subIDs.isEmpty ? nil : 25)
        if !dcIDs.isEmpty {
            decisions.append(PlanDecision(stage: "cleanup", summary: "DC filter (5 Hz high-pass)",
                                          reason: "DC offset of \(a.levels.channels.map { fmt($0.dcOffsetPercent, digits: 2) + " %" }.joined(separator: " / "))",
                                          itemIDs: dcIDs))
        }
        if !subIDs.isEmpty {
            decisions.append(PlanDecision(stage: "cleanup", summary: "subsonic high-pass at 25 Hz",
                                          reason: "rumbling sub, removed below the music", itemIDs: subIDs))
        }

        // 3. Tonal EQ: towards the reference when there is one (its EQ serves the tone items too), else
        // gentle moves on the regions the checklist flagged against the neutral target.
        var bands: [EQBand]
        var width: WidthSettings? = nil
        if let match {
            let toneIDs = checklist.items.filter { $0.key.hasPrefix("tone.") && $0.key != "tone.sub" }.map(\.id)
            let (matchBands, decision) = Self.matchEQ(match, sampleRate: audio.sampleRate, itemIDs: toneIDs)
            bands = matchBands
            decisions.append(decision)
            if let (settings, decision) = Self.matchWidth(match, sampleRate: audio.sampleRate, itemIDs: ids("stereo.wide-lows")) {
                width = settings
                decisions.append(decision)
            }
            let (reduction, dynamicsDecision) = Self.matchDynamics(match, base: options.glueReductionDB)
            glueReductionDB = reduction
            decisions.append(dynamicsDecision)
        } else {
            let (neutralBands, eqDecisions) = Self.neutralEQ(a, checklist: checklist)
            bands = neutralBands
            decisions += eqDecisions
        }
        let eq = ToneEQSettings(enabled: !bands.isEmpty, bands: bands)

        // 4. Glue compressor, set on the loudest section.
        var compressor = CompressorSettings()
        let limitedIDs = ids("dynamics.bus-limiter")
        // Room left under the ceiling once the song is at the target: if the peaks fit, nothing needs control.
        let room = target.ceilingDBTP - (a.levels.truePeakDBTP + target.integratedLUFS - a.loudness.integratedLUFS)
        if !limitedIDs.isEmpty {
            decisions.append(PlanDecision(stage: "compressor", summary: "off",
                                          reason: "the mix is already limited on the mix bus (PLR \(fmt(a.levels.plrDB)) dB): more compression would only flatten it",
                                          itemIDs: limitedIDs))
        } else if room >= 0 || glueReductionDB <= 0 {
            decisions.append(PlanDecision(stage: "compressor", summary: "off",
                                          reason: room >= 0
                                              ? "at \(fmt(target.integratedLUFS)) LUFS the peaks stay \(fmt(room)) dB under the ceiling: the target needs no peak control, so the dynamics are left alone"
                                              : "the reference is more dynamic than the mix on its loudest section: no glue compression, the limiter alone controls the peaks",
                                          itemIDs: ids("dynamics.healthy")))
        } else {
            compressor.enabled = true
            let range = Int(loudest.startSeconds * audio.sampleRate)..<min(audio.frameCount, Int(loudest.endSeconds * audio.sampleRate))
            compressor.thresholdDB = CompressorCalibration.threshold(for: audio, range: range, settings: compressor,
                                                                     meanReductionDB: glueReductionDB)
            decisions.append(PlanDecision(
                stage: "compressor",
                summary: DecisionText.compressor(compressor),
                reason: "set on the loudest section (\(timeText(loudest.range))) for about \(fmt(glueReductionDB)) dB of gain reduction there: glue without flattening",
                itemIDs: loudestID + ids("dynamics.healthy")))
        }

        // 4b. Transient shaper, after the compressor, from the transient items.
        var transient: TransientSettings? = nil
        if let (settings, decision) = Self.transientShaper(a, checklist: checklist, target: target) {
            transient = settings.enabled ? settings : nil
            decisions.append(decision)
        }

        // Section gain, continued: the compressor works harder on the loud sections, which evens the song out
        // on its own; take that share off the quieter sections' gain so the result is what even-out asked for.
        var compensation = [Double](repeating: 0, count: segments.count)
        if !keepShape && compressor.enabled && segments.contains(where: { $0.gainDB > 0 }) {
            func meanReduction(_ s: Analysis.Section, gainDB: Double) -> Double {
                let r = Int(s.startSeconds * audio.sampleRate)..<min(audio.frameCount, Int(s.endSeconds * audio.sampleRate))
                let levels = CompressorCalibration.detectorLevels(audio, range: r, settings: compressor).filter { $0 > -100 }
                guard !levels.isEmpty else { return 0 }
                return levels.reduce(0) { $0 + GlueCompressorStage.reductionDB(levelDB: $1 + gainDB, settings: compressor) } / Double(levels.count)
            }
            let loudestReduction = meanReduction(loudest, gainDB: 0)
            for (i, s) in a.sections.enumerated() where segments[i].gainDB > 0 {
                compensation[i] = max(0, loudestReduction - meanReduction(s, gainDB: segments[i].gainDB))
                segments[i].gainDB = max(0, segments[i].gainDB - compensation[i])
            }
        }
        var sectionDecisions: [PlanDecision] = []
        for (i, s) in a.sections.enumerated() {
            segments[i].gainDB = (segments[i].gainDB * 10).rounded() / 10
            let gain = segments[i].gainDB
            guard gain > 0 else { continue }
            let deficit = loudest.integratedLUFS - s.integratedLUFS
            let jumpIDs = checklist.items.filter { item in
                item.key == "sections.jump" && item.timeRanges.contains { abs($0.startSeconds + 2 - s.startSeconds) < 1 || abs($0.startSeconds + 2 - s.endSeconds) < 1 }
            }.map(\.id)
            let compensated = compensation[i] > 0.05 ? ", less the \(fmt(compensation[i])) dB the compressor's lighter touch there already gives" : ""
            sectionDecisions.append(PlanDecision(
                stage: "section-gain", summary: DecisionText.sectionGain(segments[i], index: i),
                reason: keepShape
                    ? "\(fmt(deficit)) LU under the loudest section: brought \(Int((intoChain * 100).rounded())) % of the way up into the chain (at most \(fmt(Self.maxSectionGainDB)) dB), so the compressor and the limiter treat it more like the loudest section; the shape stage puts it back after the limiter"
                    : "\(fmt(deficit)) LU under the loudest section × even-out \(fmt(options.evenOut, digits: 2))\(compensated), so it hits the chain closer to the loudest section's level",
                itemIDs: jumpIDs + loudestID))
        }
        let sectionGain = SectionGainSettings(enabled: segments.contains { $0.gainDB != 0 }, segments: segments)
        if !sectionGain.enabled {
            sectionDecisions.append(PlanDecision(stage: "section-gain", summary: "off",
                                                 reason: options.evenOut == 0 ? "even-out is 0: the song's section dynamics are kept" : "no section is quieter than the loudest one (after the compressor's own evening)",
                                                 itemIDs: loudestID))
        }
        decisions.insert(contentsOf: sectionDecisions, at: 0)
        // 5. Stereo lows.
        let wideIDs = ids("stereo.wide-lows")
        let stereoLows = StereoLowsSettings(enabled: !wideIDs.isEmpty && a.channelCount == 2)
        if stereoLows.enabled, let s = a.stereo {
            decisions.append(PlanDecision(stage: "stereo-lows", summary: DecisionText.stereoLows(stereoLows),
                                          reason: "low-end side only \(fmt(-s.lowEndSideToMidDB)) dB under mid, correlation \(fmt(s.lowEndCorrelation, digits: 2)): the lows must be mono-safe",
                                          itemIDs: wideIDs))
        }

        // 6. Soft clipper and limiter.
        let softClip = Self.softClip(target: target, requested: options.softClip, itemIDs: ids("transients.spiky", "loudness.summary"))
        if let (_, decision) = softClip { decisions.append(decision) }
        let limiter = LimiterSettings(ceilingDBTP: target.ceilingDBTP)
        decisions.append(PlanDecision(
            stage: "limiter",
            summary: DecisionText.limiter(limiter),
            reason: "\(target.name) asks for \(fmt(target.ceilingDBTP)) dBTP; peaks detected at 8x (so 4x holds too), \(fmt(limiter.marginDB)) dB margin for the overs the gain changes themselves create",
            itemIDs: ids("overs.intersample", "headroom.none", "headroom.tight", "clipping")))
        let shape = keepShape ? Self.shape(a, evenOut: options.evenOut) : nil
        if shape != nil {
            decisions.append(PlanDecision(
                stage: "shape", summary: DecisionText.shape(evenOut: options.evenOut),
                reason: options.evenOut == 0
                    ? "even-out 0: the master keeps the song's shape (the loudest section \(timeText(loudest.range)) stays the loudest, every other section as far under it as in the mix); the renderer measures each section after the limiter and lowers it back"
                    : "even-out \(fmt(options.evenOut, digits: 2)): each section ends \(fmt(options.evenOut * 100, digits: 0)) % closer to the loudest than in the mix; the renderer measures each section after the limiter and lowers it to that",
                itemIDs: loudestID + checklist.items.filter { $0.key == "sections.jump" }.map(\.id)))
        }
        decisions.append(PlanDecision(
            stage: "loudness", summary: "target \(fmt(target.integratedLUFS)) LUFS integrated",
            reason: "\(match.map { "the reference \($0.reference.name) sits at \(fmt($0.reference.integratedLUFS)) LUFS, matched by \(Int(($0.amounts.loudness * 100).rounded())) % from the \(options.target.name) preset's \(fmt(options.target.integratedLUFS)); the preset's ceiling is kept" } ?? "\(target.name) preset"); the gain into the limiter is searched so the master lands within ±0.1 LU, and the limiter may take at most \(fmt(options.maxLimitingLU)) LU from the loudest section",
            itemIDs: ids("loudness.summary")))

        return MasteringPlan(
            target: target, evenOut: options.evenOut, maxLimitingLU: options.maxLimitingLU,
            sectionGain: sectionGain, cleanup: cleanup, eq: eq, width: width, compressor: compressor, transient: transient, stereoLows: stereoLows,
            limiter: limiter, softClip: softClip?.0, shape: shape, output: options.output, match: match, loudestSection: loudest.range, decisions: decisions)
    }
}

extension Planner {
    /// The shape stage's wanted distances: each section `1 − evenOut` of its distance under the loudest.
    static func shape(_ a: Analysis, evenOut: Double) -> ShapeSettings {
        let loudest = a.loudestSection
        return ShapeSettings(enabled: true, sections: a.sections.map { s in
            let distance = s.integratedLUFS > -70 ? max(0, loudest.integratedLUFS - s.integratedLUFS) : 0
            return ShapeSettings.Section(startSeconds: s.startSeconds, endSeconds: s.endSeconds,
                                         wantedDistanceLU: ((distance * (1 - evenOut)) * 100).rounded() / 100)
        }, loudestIndex: a.loudestSectionIndex)
    }

    /// Shelves and wide bells on the regions the checklist flagged against the neutral target, correcting
    /// `eqCorrection` of each deviation, within ±`maxEQGainDB`.
    static func neutralEQ(_ a: Analysis, checklist: Checklist) -> ([EQBand], [PlanDecision]) {
        var bands: [EQBand] = [], decisions: [PlanDecision] = []
        let shapes: [String: (EQBand.Kind, Double, Double)] = [
            "sub": (.lowShelf, 50, 0.7), "lows": (.bell, 100, 0.7), "low mids": (.bell, 300, 0.8),
            "mids": (.bell, 1000, 0.8), "presence": (.bell, 3200, 0.9), "air": (.highShelf, 8000, 0.7),
        ]
        for region in a.tonalBalance.regions {
            guard let shape = shapes[region.name] else { continue }
            for excess in [true, false] {
                guard let key = ChecklistRules.toneKey(region: region.name, excess: excess),
                      let item = checklist.item(key: key) else { continue }
                if region.name == "sub" && !excess { continue }
                var gain = -eqCorrection * region.deviationDB
                gain = (min(maxEQGainDB, max(-maxEQGainDB, gain)) * 10).rounded() / 10
                let band = EQBand(kind: shape.0, frequencyHz: shape.1, gainDB: gain, q: shape.2)
                bands.append(band)
                decisions.append(PlanDecision(
                    stage: "eq", summary: DecisionText.eqBand(band),
                    reason: "\(region.name) \(signed(region.deviationDB)) dB against the neutral target (\(hz(region.lowHz))–\(hz(region.highHz))); corrected by \(Int(eqCorrection * 100)) %, at most ±\(Int(maxEQGainDB)) dB",
                    itemIDs: [item.id]))
            }
        }
        return (bands, decisions)
    }
}

/// Shorthands for `NumberText`, in decisions and verdicts.
func fmt(_ x: Double, digits: Int = 1) -> String { NumberText.decimal(x, digits: digits) }
func signed(_ x: Double) -> String { NumberText.signed(x) }
func hz(_ f: Double) -> String { NumberText.hz(f) }
