import Foundation
import HeadroomAnalysis
import HeadroomDSP

/// What a render produced, with the loudness search's outcome.
public struct RenderResult: Sendable {
    public var master: AudioBuffer
    /// The chain's output before the limiter (at the limiter's input gain of 0 dB).
    public var preLimiter: AudioBuffer
    /// The plan as rendered: the limiter's input gain is the one the search found.
    public var plan: MasteringPlan
    public var achievedLUFS: Double
    /// Loudness the limiter took from the loudest section (LU).
    public var limitingLU: Double
    /// True when the limiting guard stopped the gain short of the target.
    public var guardLimited: Bool
    /// Full-length limiter passes the search needed.
    public var passes: Int
    public var compressorReductionDB: Double
    /// True peak of the master at 8x (after a corrective second limiter pass, if one ran).
    public var truePeak8xDBTP: Double
    /// The same per channel, with the positions of any overs: hand it to the analyzer of the master.
    public var truePeaks8x: [TruePeakMeter.Result]
    public var correctivePass: Bool
    /// Loudness range (LU) after the stages that shape dynamics: section gain (when on) and the whole chain
    /// before the limiter. The mix's and the master's come from their analyses.
    public var loudnessRangeAfterSectionGainLU: Double?
    public var loudnessRangePreLimiterLU: Double
    /// After the limiter, before the shape stage put the sections back.
    public var loudnessRangeLimitedLU: Double
    /// The transient shaper's mean gain where it acted and the range after the compressor (when it is on).
    public var transient = TransientStats()
    /// Loudness the soft clipper alone took from the loudest section (nil when it is off); the limiter's own
    /// share is `limitingLU` minus this.
    public var softClipLossLU: Double? = nil
    /// The glue compressor's gain reduction over time (nil when it is off).
    public var compressorGainReduction: GainReductionCurve?
}

/// What the transient shaper did: its mean gain where it acted (dB; negative softened) and the loudness
/// range after the compressor, before it (nil when it is off).
public struct TransientStats: Sendable {
    public var meanShapedDB = 0.0
    public var rangeAfterCompressorLU: Double?
}

/// Renders a plan: section gain → clean-up → EQ → width → compressor → stereo lows → gain → true-peak limiter,
/// with the gain searched so the master's integrated loudness hits the target. Deterministic.
public enum Renderer {
    static let blockSize = 4096
    /// The share of the loudest section's limiting loss the whole song loses (measured: 0.4 on a typical
    /// song, whose quieter parts are barely limited).
    static let songLossShare = 0.5
    /// The same with the shape stage: the sections are levelled into the limiter, so they are limited
    /// alike, and the shape stage lowers them after it, so the song loses about what the section loses
    /// (measured on the dev corpus: one pass for every track at spotify, where 0.5 needed two on credits1;
    /// at loud one or two, where 0.8 needed up to three).
    static let shapedSongLossShare = 1.0

    /// Everything before the limiter, at the output sample rate.
    public static func preLimiter(_ input: AudioBuffer, plan: MasteringPlan,
                                  compressorReduction: inout Double) -> AudioBuffer {
        var unused: Double?
        var curve: GainReductionCurve?
        var stats = TransientStats()
        return preLimiter(input, plan: plan, compressorReduction: &compressorReduction, rangeAfterSectionGain: &unused,
                          compressorCurve: &curve, transient: &stats)
    }

    /// The same, also measuring the loudness range after section gain (when it is on) and keeping the
    /// compressor's gain reduction over time.
    static func preLimiter(_ input: AudioBuffer, plan: MasteringPlan, compressorReduction: inout Double,
                           rangeAfterSectionGain: inout Double?, compressorCurve: inout GainReductionCurve?,
                           transient stats: inout TransientStats) -> AudioBuffer {
        var audio = plan.output.sampleRateHz.map { Resampler.resample(input, to: $0) } ?? input
        let spec = ProcessSpec(sampleRate: audio.sampleRate, maxFrameCount: blockSize, channelCount: audio.channelCount)
        let compressor = GlueCompressorStage(settings: plan.compressor)
        let shaper = TransientShaperStage(settings: plan.transient ?? TransientSettings())
        let stages: [AudioStage] = [
            SectionGainStage(settings: plan.sectionGain), CleanupStage(settings: plan.cleanup),
            ToneEQStage(settings: plan.eq), WidthStage(settings: plan.width ?? WidthSettings()), compressor, shaper,
            StereoLowsStage(settings: plan.stereoLows),
        ]
        for stage in stages {
            stage.prepare(spec)
            audio.process(with: stage, blockSize: blockSize)
            if stage is SectionGainStage && plan.sectionGain.enabled { rangeAfterSectionGain = meter(audio).loudnessRangeLU() }
            // With the shaper on, the range after the compressor too, so each stage's share can be told.
            if stage is GlueCompressorStage && shaper.isActive { stats.rangeAfterCompressorLU = meter(audio).loudnessRangeLU() }
        }
        stats.meanShapedDB = shaper.meanShapedDB
        compressorReduction = compressor.meanReductionDB
        compressorCurve = compressor.gainReductionCurve
        return audio
    }

    /// The limiter over a whole buffer, latency compensated (output lines up with input). `cachedPeaks`:
    /// the detector's peaks of this input (`TruePeakLimiterStage.detectorPeaks`), to skip detection.
    /// With `softClip` on, the input gain goes first, then the clipper, then the limiter (the detector's
    /// cache does not apply: the clipper is not linear).
    public static func limit(_ input: AudioBuffer, settings: LimiterSettings, softClip: SoftClipSettings? = nil,
                             cachedPeaks: [Float]? = nil) -> AudioBuffer {
        guard let clip = softClip, clip.enabled else {
            return compensated(input, stages: [TruePeakLimiterStage(settings: settings, cachedPeaks: cachedPeaks)])
        }
        var after = settings
        after.inputGainDB = 0
        return compensated(input, stages: [GainStage(gainDB: settings.inputGainDB),
                                           SoftClipStage(settings: clip, limiterCeilingDBTP: settings.ceilingDBTP),
                                           TruePeakLimiterStage(settings: after)])
    }

    /// Runs `stages` in order over a whole buffer, latency compensated (output lines up with input).
    /// Blocks go through a scratch buffer into a new output, shifted by the latency: the input is read once
    /// and the output written once (no copy of the whole input, no shifting of the whole output). The
    /// stages see the blocks they always saw: the input in `blockSize` blocks, then the latency's flush.
    static func compensated(_ input: AudioBuffer, stages: [AudioStage]) -> AudioBuffer {
        let spec = ProcessSpec(sampleRate: input.sampleRate, maxFrameCount: blockSize, channelCount: input.channelCount)
        for stage in stages { stage.prepare(spec) }
        let latency = stages.reduce(0) { $0 + $1.latencyFrames }
        let n = input.frameCount
        var output = AudioBuffer(sampleRate: input.sampleRate, channelCount: input.channelCount, uninitializedFrameCount: n)
        var scratch = AudioBuffer(sampleRate: input.sampleRate, channelCount: input.channelCount, frameCount: blockSize)
        // Processed frame `f` is output frame `f - latency`.
        func run(from start: Int, count: Int, source: Bool) {
            for c in 0..<input.channelCount {
                scratch.channels[c].withUnsafeMutableBufferPointer { s in
                    if source {
                        input.channels[c].withUnsafeBufferPointer { x in
                            s.baseAddress!.update(from: x.baseAddress! + start, count: count)
                        }
                    } else {
                        s.baseAddress!.update(repeating: 0, count: count)
                    }
                }
            }
            scratch.withMutableBlock(0..<count) { block in for stage in stages { stage.process(block) } }
            let skip = max(0, latency - start), to = start + skip - latency
            let copied = min(count - skip, n - to)
            guard copied > 0 else { return }
            for c in 0..<input.channelCount {
                output.channels[c].withUnsafeMutableBufferPointer { o in
                    scratch.channels[c].withUnsafeBufferPointer { s in
                        (o.baseAddress! + to).update(from: s.baseAddress! + skip, count: copied)
                    }
                }
            }
        }
        var start = 0
        while start < n { let count = min(blockSize, n - start); run(from: start, count: count, source: true); start += count }
        var flushed = 0
        while flushed < latency { let count = min(blockSize, latency - flushed); run(from: n + flushed, count: count, source: false); flushed += count }
        return output
    }

    static func integrated(_ audio: AudioBuffer, range: Range<Int>? = nil) -> Double {
        meter(audio, range: range).integratedLUFS()
    }

    static func meter(_ audio: AudioBuffer, range: Range<Int>? = nil) -> LoudnessMeter {
        var meter = LoudnessMeter(sampleRate: audio.sampleRate, channelCount: audio.channelCount)
        let r = range ?? 0..<audio.frameCount
        audio.withChannelPointers(r) { meter.add($0) }
        return meter
    }

    /// Renders `plan` on `input`. `progress` receives 0...1.
    public static func render(_ input: AudioBuffer, plan: MasteringPlan,
                              progress: ((Double) -> Void)? = nil) -> RenderResult {
        let trace = ProcessInfo.processInfo.environment["HEADROOM_TRACE"] != nil
        var clock = ContinuousClock.now
        // HEADROOM_TRACE=1 prints where the render's time goes (stderr), for benchmarking.
        func lap(_ what: String) {
            guard trace else { return }
            let now = ContinuousClock.now
            FileHandle.standardError.write(Data("trace: \(what) \(now - clock)\n".utf8))
            clock = now
        }
        var reduction = 0.0
        var rangeAfterSectionGain: Double?
        var compressorCurve: GainReductionCurve?
        var transientStats = TransientStats()
        let pre = preLimiter(input, plan: plan, compressorReduction: &reduction, rangeAfterSectionGain: &rangeAfterSectionGain,
                             compressorCurve: &compressorCurve, transient: &transientStats)
        lap("pre")
        progress?(0.3)
        let target = plan.target.integratedLUFS
        let preMeter = meter(pre)
        // With the shape stage, the song's loudness is the one it will have once its sections are put back.
        let shape = plan.shape.flatMap { $0.enabled && $0.sections.count > 1 ? $0 : nil }
        func songLoudness(_ m: LoudnessMeter) -> (lufs: Double, gains: [Double]) {
            guard let shape else { return (m.integratedLUFS(), []) }
            let gains = ShapeRestore.gains(shape, meter: m)
            return (ShapeRestore.integratedLUFS(meter: m, shape: shape, gains: gains), gains)
        }
        let preSong = songLoudness(preMeter).lufs

        // The loudest section with 1 s of pre-roll, to search cheaply.
        let sr = pre.sampleRate
        let sectionStart = Int(plan.loudestSection.startSeconds * sr), sectionEnd = min(pre.frameCount, Int(plan.loudestSection.endSeconds * sr))
        let preroll = min(sectionStart, Int(sr))
        let section = pre.slice((sectionStart - preroll)..<max(sectionEnd, sectionStart - preroll + 1))
        let measured = preroll..<section.frameCount
        let preSection = integrated(section, range: measured)
        // The detector is linear in the input gain: detect once, reuse for every pass.
        let latency = TruePeakLimiterStage(settings: plan.limiter).latencyAfterPrepare(sampleRate: sr)
        // Peaks that stay under the ceiling even at the largest gain the search may try need no interpolation.
        let maxGainDB = target - preSong + 2 * plan.maxLimitingLU + 6
        let floor = Float(Decibels.toAmplitude(plan.limiter.ceilingDBTP - plan.limiter.marginDB - maxGainDB))
        let clip = plan.softClip.flatMap { $0.enabled ? $0 : nil }
        let songPeaks = clip == nil ? TruePeakLimiterStage.detectorPeaks(of: pre, extraPositions: latency, floor: floor) : []
        func cache(_ gainDB: Double) -> Bool { clip == nil && gainDB <= maxGainDB }
        // The section's peaks are the song's (with the real signal around it instead of silence).
        let sliceStart = sectionStart - preroll
        let sectionPeaks = clip != nil ? [] : Array(songPeaks[sliceStart..<min(songPeaks.count, sliceStart + section.frameCount + latency)])
        lap("detector")
        // One whole-song pass at `settings`: the limited master, its meter, and the loudness (and shape gains)
        // it will have once the shape stage has put the sections back.
        func songPass(_ settings: LimiterSettings) -> (master: AudioBuffer, meter: LoudnessMeter, lufs: Double, gains: [Double]) {
            let master = limit(pre, settings: settings, softClip: clip, cachedPeaks: cache(settings.inputGainDB) ? songPeaks : nil)
            let m = meter(master)
            let (lufs, gains) = songLoudness(m)
            return (master, m, lufs, gains)
        }
        func sectionLoss(_ gainDB: Double) -> Double {
            var s = plan.limiter
            s.inputGainDB = gainDB
            return preSection + gainDB - integrated(limit(section, settings: s, softClip: clip, cachedPeaks: cache(gainDB) ? sectionPeaks : nil),
                                                    range: measured)
        }

        // 1. On the section: the gain that would put the song at the target if it lost what the section loses.
        let base = target - preSong
        var gain = base
        var loss = sectionLoss(gain)
        // How the section's loudness follows the gain (1: unlimited), from the last two trials.
        var sectionSlope = 0.8
        for _ in 0..<3 {
            let next = base + loss
            if abs(next - gain) < 0.02 { break }
            let previous = (gain: gain, loss: loss)
            gain = next
            loss = sectionLoss(gain)
            sectionSlope = 1 - (loss - previous.loss) / (gain - previous.gain)
        }
        progress?(0.5)
        lap("section search")

        // 2. On the whole song: correct the residual (the limiter is monotonic and nearly linear here).
        // The song loses less than its loudest section (its quieter parts are barely limited): start from
        // a share of the section's loss, then take secant steps.
        var settings = plan.limiter
        settings.inputGainDB = base + (shape == nil ? songLossShare : shapedSongLossShare) * (gain - base)
        var (master, limitedMeter, achieved, shapeGains) = songPass(settings)
        var passes = 1
        var previous: (gain: Double, lufs: Double)? = nil
        while abs(achieved - target) > 0.05 && passes < 6 {
            // The first step follows the section's own slope (the song's loudness moves with its loudest part).
            var slope = min(1, max(0.2, sectionSlope))
            if let p = previous, abs(settings.inputGainDB - p.gain) > 1e-6 {
                slope = min(1, max(0.2, (achieved - p.lufs) / (settings.inputGainDB - p.gain)))
            }
            previous = (settings.inputGainDB, achieved)
            settings.inputGainDB += (target - achieved) / slope
            (master, limitedMeter, achieved, shapeGains) = songPass(settings)
            passes += 1
            progress?(min(0.9, 0.5 + 0.1 * Double(passes)))
        }

        // 3. The guard: the limiter may take at most maxLimitingLU from the loudest section. If the target
        // needs more, find the gain where it takes exactly that (secant on the section's loss, which grows
        // with the gain) and stop there: the master stays under the target and the checklist says so.
        let sectionRange = sectionStart..<max(sectionEnd, sectionStart + 1)
        var guardLimited = false
        var shareRestored = 1.0
        let finalLoss = preSection + settings.inputGainDB - integrated(master, range: sectionRange)
        if finalLoss > plan.maxLimitingLU + 0.05 {
            guardLimited = true
            var a = (gain: base - 6, loss: sectionLoss(base - 6)), b = (gain: settings.inputGainDB, loss: finalLoss)
            for _ in 0..<6 {
                let slope = max(1e-3, (b.loss - a.loss) / (b.gain - a.gain))
                let next = b.gain + (plan.maxLimitingLU - b.loss) / slope
                let nextLoss = sectionLoss(next)
                a = b; b = (next, nextLoss)
                if abs(nextLoss - plan.maxLimitingLU) < 0.05 { break }
            }
            settings.inputGainDB = b.loss <= plan.maxLimitingLU + 0.05 ? b.gain : min(a.gain, b.gain)
            (master, limitedMeter, achieved, shapeGains) = songPass(settings)
            passes += 1
            // With the shape stage, the target may still be reached by putting back less of the shape:
            // the loudness the target needs comes first, the shape gets what the limiter's budget leaves.
            if let shape, achieved < target - 0.05,
               let share = ShapeRestore.share(reaching: target, meter: limitedMeter, shape: shape, gains: shapeGains) {
                shapeGains = shapeGains.map { ($0 * share * 100).rounded() / 100 }
                shareRestored = share
                achieved = target
                guardLimited = false
            }
        }
        let loudnessRangeLimited = limitedMeter.loudnessRangeLU()
        // What the limiter took from the loudest section, measured before the shape stage (whose ramps at
        // the section's edges would otherwise count as limiting).
        var limitingLU = preSection + settings.inputGainDB - integrated(master, range: sectionRange)
        // The shape stage: the sections put back under the loudest, after the limiter (it only lowers).
        if let shape {
            ShapeRestore.apply(&master, shape: shape, gains: shapeGains)
            achieved = integrated(master)
        }

        lap("full passes \(passes)")
        // 4. Verify the ceiling at 8x (the finer of the two checks); a corrective pass catches what the
        // gain modulation created.
        var peaks8x = truePeaks(master, factor: 8)
        var truePeak = dB(peaks8x)
        var corrective = false
        if truePeak > plan.limiter.ceilingDBTP {
            var second = plan.limiter
            second.inputGainDB = 0
            let sectionBefore = integrated(master, range: sectionRange)
            master = limit(master, settings: second)
            limitingLU += sectionBefore - integrated(master, range: sectionRange)
            peaks8x = truePeaks(master, factor: 8)
            truePeak = dB(peaks8x)
            achieved = integrated(master)
            corrective = true
        }
        lap("8x check")
        var rendered = plan
        rendered.limiter.inputGainDB = (settings.inputGainDB * 1000).rounded() / 1000
        if shape != nil {
            rendered.shape?.gainsDB = shapeGains
            rendered.shape?.shareRestored = (shareRestored * 100).rounded() / 100
            if let k = rendered.decisions.firstIndex(where: { $0.stage == "shape" }) {
                rendered.decisions[k].summary = DecisionText.shape(evenOut: plan.evenOut, gains: shapeGains, shareRestored: shareRestored)
            }
        }
        // Reference matching: measure the master as the reference was measured, refine the EQ once by what
        // remains, render again (a session re-render finds it refined and renders once).
        if let match = plan.match, !match.refined {
            let lufs = integrated(master)
            let profile = ReferenceProfile.measure(master, integratedLUFS: lufs, name: "master", ranges: match.mix.sections)
            if let refined = Planner.refineMatchEQ(rendered, master: profile, sampleRate: master.sampleRate) {
                lap("match refinement measured")
                return render(input, plan: refined, progress: progress)
            }
        }
        // The clipper's share of the loudest section's loss: the section through the clipper alone.
        var softClipLoss: Double? = nil
        if let clip {
            let clipped = compensated(section, stages: [GainStage(gainDB: settings.inputGainDB),
                                                        SoftClipStage(settings: clip, limiterCeilingDBTP: settings.ceilingDBTP)])
            softClipLoss = preSection + settings.inputGainDB - integrated(clipped, range: measured)
        }
        progress?(1)
        return RenderResult(master: master, preLimiter: pre, plan: rendered, achievedLUFS: achieved,
                            limitingLU: limitingLU,
                            guardLimited: guardLimited, passes: passes,
                            compressorReductionDB: reduction, truePeak8xDBTP: truePeak, truePeaks8x: peaks8x,
                            correctivePass: corrective, loudnessRangeAfterSectionGainLU: rangeAfterSectionGain,
                            loudnessRangePreLimiterLU: preMeter.loudnessRangeLU(), loudnessRangeLimitedLU: loudnessRangeLimited,
                            transient: transientStats, softClipLossLU: softClipLoss, compressorGainReduction: compressorCurve)
    }

    /// True peak over all channels, in dBTP, with `factor`x oversampling.
    public static func truePeakDB(_ audio: AudioBuffer, factor: Int = 4) -> Double {
        TruePeakMeter(interpolator: TruePeakInterpolator(factor: factor, tapsPerPhase: 32)).truePeakDBTP(of: audio)
    }

    /// Per-channel true peaks with `factor`x oversampling.
    public static func truePeaks(_ audio: AudioBuffer, factor: Int) -> [TruePeakMeter.Result] {
        let meter = TruePeakMeter(interpolator: TruePeakInterpolator(factor: factor, tapsPerPhase: 32))
        return audio.channels.map { c in c.withUnsafeBufferPointer { meter.measure($0) } }
    }

    static func dB(_ peaks: [TruePeakMeter.Result]) -> Double {
        Decibels.fromAmplitude(Double(peaks.map(\.truePeak).max() ?? 0))
    }
}
