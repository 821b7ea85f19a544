import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomTranslation

/// Reference matching: the plan decisions that bring the mix towards the reference, aspect by aspect.
extension Planner {
    /// Most an automatic match filter may boost or cut.
    /// Measured on the dev corpus (six premasters, each against another track's master; 2/3-octave bells):
    /// ±6 dB left 2.1–4.4 dB of tonal distance, ±9 dB 1.4–3.1 dB, ±12 dB 1.2–2.7 dB. ±9 dB follows the
    /// reference closely without extreme moves; lower `--match eq=` for gentler ones.
    static let maxMatchEQDB = 9.0
    /// Penalty on neighbouring filters' gain differences (see `EQFit.fit`): a smooth curve.
    /// Measured with 1/3-octave bells at ±9 dB: 0.05 left 0.6–1.8 dB on the corpus's loud parts but
    /// zig-zagged between neighbours, 0.3 leaves 0.7–1.6 dB with a smoother curve, 1.0 0.9–2.2 dB.
    static let matchSmoothness = 0.3

    /// What mastering moves, as a bound on the matched curve (dB either way): ±6 dB in the body of the
    /// spectrum, ±3 dB at the extremes (under 60 Hz and over 12 kHz), where a big move mostly moves rumble,
    /// hiss or the limiter's work. A user asks for more with a session edit.
    static func matchBoundDB(atHz f: Double) -> Double { f < 60 || f > 12_000 ? 3 : 6 }
    /// Where the mix has little energy (this far under its loudest band), a boost is held to the extremes'
    /// bound: there is little to bring up but noise.
    static let quietBandDB = 30.0

    /// The preset's loudness moved towards the reference's by the loudness amount; the preset's ceiling stays.
    func matchedTarget(_ match: MatchSettings) -> LoudnessTarget {
        var t = options.target
        let amount = match.amounts.loudness
        guard amount > 0 else { return t }
        let lufs = t.integratedLUFS + amount * (match.reference.integratedLUFS - t.integratedLUFS)
        t.integratedLUFS = (min(-3, max(-40, lufs)) * 10).rounded() / 10
        t.name = "\(t.name) matched to the reference"
        return t
    }

    /// The match EQ: the difference of the loudness-normalized 1/3-octave spectra (reference − mix) on the
    /// loud parts, times the eq amount, balanced around 0 dB and fitted with shelves and bells.
    static func matchEQ(_ match: MatchSettings, sampleRate: Double, itemIDs: [Int]) -> ([EQBand], PlanDecision) {
        let (bands, before, predicted) = matchEQBands(match, sampleRate: sampleRate)
        let summary = matchEQSummary(bands)
        let reason = "tonal distance to \(match.reference.name): \(fmt(before)) dB mean over 1/3-octave bands (40 Hz–16 kHz) on the loud parts (loudest section and those within 3 LU); following \(Int((match.amounts.eq * 100).rounded())) % of the difference (the curve within ±6 dB, ±3 dB under 60 Hz and over 12 kHz, each filter within ±\(Int(maxMatchEQDB)) dB, 1/3-octave resolution, smoothed) should leave \(fmt(predicted)) dB"
        return (bands, PlanDecision(stage: "eq", summary: summary, reason: reason, itemIDs: itemIDs))
    }

    /// "match EQ: 27 filters, largest +4.2 dB at 80 Hz".
    static func matchEQSummary(_ bands: [EQBand]) -> String {
        guard let largest = bands.max(by: { abs($0.gainDB) < abs($1.gainDB) }) else { return "match EQ: none needed" }
        return "match EQ: \(bands.count) filters, largest \(signed(largest.gainDB)) dB at \(hz(largest.frequencyHz))"
    }

    /// The 1/3-octave bands (40 Hz–16 kHz) measured in every profile and safely under Nyquist.
    static func usableTonalBands(_ profiles: [ReferenceProfile], sampleRate: Double) -> [Int] {
        ReferenceProfile.tonalBands.filter { b in
            SpectrumMeter.bandCentersHz[b] < sampleRate * 0.45 && profiles.allSatisfy { $0.bandLevelsDB[b] > -150 }
        }
    }

    /// The match filters following `curve` (dB at `bands`), balanced around 0 dB first: the loudness search
    /// sets the level, the EQ only the shape. The bands are 1/3-octave averages and the smoothness penalty
    /// keeps neighbouring filters together, so the fit does not chase single bands.
    static func fitTone(_ curve: [Double], bands: [Int], sampleRate: Double) -> [EQBand] {
        let mean = curve.reduce(0, +) / Double(max(1, curve.count))
        let bounded = zip(curve, bands).map { c, b in
            let bound = matchBoundDB(atHz: SpectrumMeter.bandCentersHz[b])
            return max(-bound, min(bound, c - mean))
        }
        return EQFit.fit(layout: EQFit.tonalLayout, targetDB: bounded,
                         frequenciesHz: bands.map { SpectrumMeter.bandCentersHz[$0] }, sampleRate: sampleRate,
                         maxGainDB: maxMatchEQDB, smoothness: matchSmoothness)
    }

    /// The fitted bands, the distance before and the distance the fit predicts after.
    static func matchEQBands(_ match: MatchSettings, sampleRate: Double) -> ([EQBand], Double, Double) {
        let centers = SpectrumMeter.bandCentersHz
        let usable = usableTonalBands([match.mix, match.reference], sampleRate: sampleRate)
        var difference = [Double](repeating: 0, count: centers.count)
        let loudestBand = usable.map { match.mix.bandLevelsDB[$0] }.max() ?? 0
        for b in usable {
            difference[b] = max(-2 * maxMatchEQDB, min(2 * maxMatchEQDB, match.reference.bandLevelsDB[b] - match.mix.bandLevelsDB[b]))
            if match.mix.bandLevelsDB[b] < loudestBand - quietBandDB { difference[b] = min(difference[b], matchBoundDB(atHz: 20)) }
        }
        let before = MatchDistances(match.mix, match.reference).tonalDB
        guard !usable.isEmpty, match.amounts.eq > 0 else { return ([], before, before) }
        let bands = fitTone(usable.map { match.amounts.eq * difference[$0] }, bands: usable, sampleRate: sampleRate)
        // Predicted: the mix's levels plus the EQ, compared after re-centring (the level is the loudness search's).
        let moved = usable.map { match.mix.bandLevelsDB[$0] + EQFit.responseDB(bands, atHz: centers[$0], sampleRate: sampleRate) }
        let offsets = zip(usable, moved).map { match.reference.bandLevelsDB[$0.0] - $0.1 }
        let shift = offsets.sorted()[offsets.count / 2]
        let predicted = offsets.reduce(0) { $0 + abs($1 - shift) } / Double(offsets.count)
        return (bands, before, predicted)
    }

    /// The EQ refined on a rendered master: the difference that remains between the master and the
    /// intended curve (the mix moved towards the reference by the eq amount; the chain's own compression
    /// and limiting move the tone too), fitted with the same filters and added to their gains. Returns the
    /// refined plan, or nil when nothing moves.
    static func refineMatchEQ(_ plan: MasteringPlan, master: ReferenceProfile, sampleRate: Double) -> MasteringPlan? {
        guard var match = plan.match, !match.refined, match.amounts.eq > 0 else { return nil }
        match.refined = true
        var refined = plan
        refined.match = match
        let usable = usableTonalBands([master, match.reference, match.mix], sampleRate: sampleRate)
        guard !usable.isEmpty else { return refined }
        // The intended curve is the mix moved by the amount towards the reference; refine by what remains.
        let a = match.amounts.eq
        let residual = usable.map { b -> Double in
            let intended = match.mix.bandLevelsDB[b] + a * (match.reference.bandLevelsDB[b] - match.mix.bandLevelsDB[b])
            return max(-maxMatchEQDB, min(maxMatchEQDB, intended - master.bandLevelsDB[b]))
        }
        let delta = fitTone(residual, bands: usable, sampleRate: sampleRate)
        // Add to the layout's gains (the first pass dropped filters at 0 dB).
        var bands: [EQBand] = []
        for layout in EQFit.tonalLayout {
            let same = { (b: EQBand) in b.kind == layout.kind && b.frequencyHz == layout.frequencyHz }
            let gain = (plan.eq.bands.first(where: same)?.gainDB ?? 0) + (delta.first(where: same)?.gainDB ?? 0)
            let g = (max(-maxMatchEQDB, min(maxMatchEQDB, gain)) * 10).rounded() / 10
            if g != 0 { var b = layout; b.gainDB = g; bands.append(b) }
        }
        refined.eq = ToneEQSettings(enabled: !bands.isEmpty, bands: bands)
        let first = MatchDistances(master, match.reference).tonalDB
        if let i = refined.decisions.firstIndex(where: { $0.stage == "eq" }) {
            refined.decisions[i].summary = matchEQSummary(bands) + (bands.isEmpty ? "" : " (refined once on the rendered master)")
            refined.decisions[i].reason += "; the first render measured \(fmt(first)) dB (the compressor and limiter move the tone too), so the EQ was refined by the remaining difference and the master rendered again"
        }
        return refined
    }

    /// Width per band: the side signal's EQ that moves each band's side-to-mid ratio towards the
    /// reference's. The lows are never widened (they must stay mono-safe). Nil when either is mono.
    static func matchWidth(_ match: MatchSettings, sampleRate: Double, itemIDs: [Int]) -> (WidthSettings, PlanDecision)? {
        guard match.amounts.width > 0, let mixWidth = match.mix.sideToMidDB, let refWidth = match.reference.sideToMidDB else { return nil }
        let bands = ReferenceProfile.widthBands
        var change = bands.indices.map { i in max(-maxMatchEQDB, min(maxMatchEQDB, match.amounts.width * (refWidth[i] - mixWidth[i]))) }
        change[0] = min(0, change[0])
        let centers = SpectrumMeter.bandCentersHz
        // Mono compatibility: predict the fold-down loss from each band's mid energy and side-to-mid ratio;
        // widening is scaled back so it never pushes the loss past the translation limit (or the mix's own).
        // K-weighted, as loudness is.
        let k = { (hz: Double) in KWeighting.powerGain(atHz: hz, sampleRate: sampleRate) }
        let midPower = bands.map { band in
            centers.indices.filter { centers[$0] >= band.lowHz && centers[$0] < band.highHz && match.mix.bandLevelsDB[$0] > -150 }
                .reduce(0) { $0 + Decibels.toPower(match.mix.bandLevelsDB[$1]) * k(centers[$1]) }
        }
        func monoLoss(_ scale: Double) -> Double {
            let mid = midPower.reduce(0, +)
            guard mid > 0 else { return 0 }
            let side = bands.indices.reduce(0) { sum, i in
                sum + midPower[i] * Decibels.toPower(mixWidth[i] + (change[i] > 0 ? scale * change[i] : change[i]))
            }
            return Decibels.fromPower((mid + side) / mid)
        }
        // A quarter LU of margin for what the five-band prediction misses.
        let allowed = max(Translation.monoLossLU - 0.25, monoLoss(0))
        var widening = 1.0
        if monoLoss(1) > allowed {
            var lo = 0.0, hi = 1.0
            for _ in 0..<20 { let m = (lo + hi) / 2; if monoLoss(m) > allowed { hi = m } else { lo = m } }
            widening = lo
            for i in change.indices where change[i] > 0 { change[i] *= widening }
        }
        let points = ReferenceProfile.tonalBands.filter { centers[$0] < sampleRate * 0.45 }
        let target = points.map { b in change[bands.firstIndex { centers[b] >= $0.lowHz && centers[b] < $0.highHz } ?? bands.count - 1] }
        let rawFit = EQFit.fit(layout: EQFit.widthLayout, targetDB: target, frequenciesHz: points.map { centers[$0] },
                               sampleRate: sampleRate, maxGainDB: maxMatchEQDB)
        // The low shelf (below 150 Hz) may only narrow.
        let fitted = rawFit.compactMap { band -> EQBand? in
            guard band.kind == .lowShelf, band.gainDB > 0 else { return band }
            return nil
        }
        let before = MatchDistances(match.mix, match.reference).widthDB ?? 0
        let detail = bands.indices.map { "\(bands[$0].name) \(signed((change[$0] * 10).rounded() / 10))" }.joined(separator: ", ")
        let settings = WidthSettings(enabled: !fitted.isEmpty, sideBands: fitted)
        let decision = PlanDecision(
            stage: "width", summary: fitted.isEmpty ? "width: unchanged" : "width per band (side level, dB): \(detail)",
            reason: "side-to-mid ratio \(fmt(before)) dB from \(match.reference.name) on average over five bands; following \(Int((match.amounts.width * 100).rounded())) % of the difference, never widening below 150 Hz" + (widening < 1 ? "; widening held to \(Int((widening * 100).rounded())) % so mono playback loses at most \(fmt(allowed)) LU (predicted)" : ""),
            itemIDs: itemIDs)
        return (settings, decision)
    }

    /// The glue compressor's amount from the density difference: a reference with a lower peak-to-loudness
    /// ratio on its loudest section asks for more glue (up to 3 dB more), a more dynamic one for less.
    static func matchDynamics(_ match: MatchSettings, base: Double) -> (Double, PlanDecision) {
        let excess = match.mix.sectionPLRDB - match.reference.sectionPLRDB
        let amount = match.amounts.dynamics
        let reduction: Double
        if excess > 0 {
            reduction = base + amount * min(3, excess / 3)
        } else {
            reduction = max(0, base * (1 - amount * min(1, -excess / 3)))
        }
        let rounded = (reduction * 10).rounded() / 10
        let decision = PlanDecision(
            stage: "dynamics", summary: "glue amount \(fmt(rounded)) dB on the loudest section",
            reason: "loud-part peak-to-loudness ratio \(fmt(match.mix.sectionPLRDB)) dB in the mix, \(fmt(match.reference.sectionPLRDB)) dB in \(match.reference.name) (\(excess > 0 ? "denser" : "more open") reference); following \(Int((amount * 100).rounded())) % of it, the limiter does the rest at the loudness target")
        return (rounded, decision)
    }
}
