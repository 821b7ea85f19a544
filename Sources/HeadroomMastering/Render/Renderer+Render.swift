import Foundation
import HeadroomAnalysis
import HeadroomDSP

/// Where a streamed render's master goes, block by block, in order, instead of a buffer: the file being
/// written, the master's analysis, the codec check's window finder. `restart` comes before the first block
/// and again when a corrective pass starts the master over.
public protocol MasterSink: AnyObject {
    func restart()
    func add(_ block: [UnsafeBufferPointer<Float>])
}

extension Renderer {
    /// A streamed render whose chain output would take more than this recomputes it from the mix for every
    /// pass instead of keeping it (about 12 minutes of 44.1 kHz stereo): a long input costs time, not memory.
    public static let storedPreLimiterBytes = 256 << 20

    /// Whether a streamed render of a mix held in memory keeps its chain's output whole (the result's
    /// `preLimiter`): unless it is over `storedLimitBytes` at the mix's own rate (a new rate is always kept).
    public static func keepsChainOutput(frameCount: Int, channelCount: Int, plan: MasteringPlan,
                                        storedLimitBytes: Int = storedPreLimiterBytes) -> Bool {
        plan.output.sampleRateHz != nil || frameCount * channelCount * MemoryLayout<Float>.size <= storedLimitBytes
    }

    /// Renders `plan` on `input`. `progress` receives 0...1.
    public static func render(_ input: AudioBuffer, plan: MasteringPlan,
                              progress: ((Double) -> Void)? = nil) -> RenderResult {
        let result = render(pre: storedPreLimiter(input, plan: plan), plan: plan, sink: nil, progress: progress)
        // Reference matching: measure the master as the reference was measured, refine the EQ once by what
        // remains, render again (a session re-render finds it refined and renders once).
        if let match = plan.match, !match.refined {
            // (The render's achieved loudness is its master's, measured whole.)
            let profile = ReferenceProfile.measure(result.master, integratedLUFS: result.achievedLUFS, name: "master", ranges: match.mix.sections)
            if let refined = Planner.refineMatchEQ(result.plan, master: profile, sampleRate: result.master.sampleRate) {
                TraceClock().lap("match refinement measured")
                return render(input, plan: refined, progress: progress)
            }
        }
        return result
    }

    /// Renders `plan` on `input` and hands the master to `sink` block by block instead of keeping it: the
    /// result's `master` is empty, and so is its `preLimiter` when the song is long enough to be rendered
    /// from the mix for every pass (`storedLimitBytes`). The same master, sample for sample, as `render`
    /// (the same passes run; the last one's recorded gain is played back into the sink, a live render's
    /// limiter runs once more). A reference match is rendered as planned, never refined here: its first
    /// render is `refinedMatchPlan`'s.
    /// Given the only reference to `input` (`consume`), the chain runs in its memory: the mix is gone
    /// afterwards, and the song is in memory once.
    /// `measuresLoudness: false` leaves the master's loudness (`achievedLUFS`) to whoever measures the sink's
    /// blocks anyway (NaN here).
    public static func render(_ input: consuming AudioBuffer, plan: MasteringPlan, streamingTo sink: MasterSink,
                              storedLimitBytes: Int = storedPreLimiterBytes, measuresLoudness: Bool = true,
                              progress: ((Double) -> Void)? = nil) -> RenderResult {
        let live = !keepsChainOutput(frameCount: input.frameCount, channelCount: input.channelCount, plan: plan, storedLimitBytes: storedLimitBytes)
        let trace = TraceClock()
        // A live render reads the mix for every pass; a stored one needs it only for its chain's output.
        let pre = live ? livePreLimiter(input, plan: plan) : storedPreLimiter(consume input, plan: plan)
        return render(pre: pre, plan: plan, sink: sink, measuresLoudness: measuresLoudness, trace: trace, progress: progress)
    }

    /// The same from a mix read as the passes need it (a long input read from its file, never held in
    /// memory): every pass runs the chain again over it (resampled on the way to the plan's output rate).
    /// The same master as the other streamed render of the same audio (a reference match unrefined, as above).
    public static func render(source mix: any AudioSource, plan: MasteringPlan, streamingTo sink: MasterSink,
                              measuresLoudness: Bool = true, progress: ((Double) -> Void)? = nil) -> RenderResult {
        let trace = TraceClock()
        let source = plan.output.sampleRateHz.map { ResampledSource(mix, to: $0) } ?? mix
        return render(pre: livePreLimiter(source, plan: plan), plan: plan, sink: sink, measuresLoudness: measuresLoudness,
                      trace: trace, progress: progress)
    }

    /// The search and the master from the chain's output.
    static func render(pre: PreLimited, plan: MasteringPlan, sink: MasterSink?, measuresLoudness: Bool = true,
                       trace: TraceClock = TraceClock(), progress: ((Double) -> Void)?) -> RenderResult {
        func lap(_ what: String) { trace.lap(what) }
        let source = pre.source
        if case .live = source { lap("pre (live)") } else { lap("pre") }
        progress?(0.3)
        let target = plan.target.integratedLUFS
        let preMeter = pre.meter
        // With the shape stage, the song's loudness is the one it will have once its sections are put back.
        let shape = plan.shape.flatMap { $0.enabled && $0.sections.count > 1 ? $0 : nil }
        func songLoudness(_ m: LoudnessMeter) -> (lufs: Double, gains: [Double]) {
            guard let shape else { return (m.integratedLUFS(), []) }
            let gains = ShapeRestore.gains(shape, meter: m)
            return (ShapeRestore.integratedLUFS(meter: m, shape: shape, gains: gains), gains)
        }
        let preSong = songLoudness(preMeter).lufs

        // The loudest section with 1 s of pre-roll, to search cheaply.
        let sr = source.sampleRate, channels = source.channelCount, frames = source.frameCount
        let section = pre.section, measured = pre.sectionMeasured, sectionRange = pre.sectionRange
        let preSection = section.withPointers { b in meter(b, sampleRate: sr, range: measured).integratedLUFS() }
        // The detector is linear in the input gain: detect once, reuse for every pass.
        let latency = TruePeakLimiterStage(settings: plan.limiter).latencyAfterPrepare(sampleRate: sr)
        // Peaks that stay under the ceiling even at the largest gain the search may try need no interpolation.
        let maxGainDB = target - preSong + 2 * plan.maxLimitingLU + 6
        let floor = Float(Decibels.toAmplitude(plan.limiter.ceilingDBTP - plan.limiter.marginDB - maxGainDB))
        let clip = plan.softClip.flatMap { $0.enabled ? $0 : nil }
        // The limiter's curve: the detector's peaks (without a soft clipper) and, when the master streams
        // into a sink, the gain the last whole-song pass applied, which the final pass plays back instead of
        // limiting again. A live render keeps no copy of the song: no curve either (a float per frame).
        let records = sink != nil
        var curve: LimiterCurve? = nil
        if case .stored(let audio) = source, clip == nil || records {
            // A pass through the soft clipper is longer by the clipper's latency.
            let clipLatency = clip.map { SoftClipStage(settings: $0, limiterCeilingDBTP: plan.limiter.ceilingDBTP).latencyFrames } ?? 0
            curve = LimiterCurve(count: frames + latency + clipLatency, detect: clip != nil ? nil : {
                TruePeakLimiterStage.detectorPeaks(of: audio, floor: floor, into: $0)
            })
            _ = curve?.peaks()
        }
        func cache(_ gainDB: Double) -> LimiterCurve? { gainDB <= maxGainDB ? curve?.peaks() : nil }
        // The section's peaks are the song's (with the real signal around it instead of silence), read from
        // where its stretch starts.
        let sliceStart = sectionRange.lowerBound - (measured.lowerBound)
        lap("detector")

        // One whole-song pass through the limiter at `settings` (played back when the curve holds a pass at
        // these settings; recorded into it when asked); `body` gets the output block by block.
        func limitedPass(_ settings: LimiterSettings, recording: Bool, _ body: ([UnsafeBufferPointer<Float>]) -> Void) {
            let limiting: Limiting
            if let curve, curve.content == .gains(settings) {
                limiting = .playback(curve)
            } else {
                let peaks = cache(settings.inputGainDB)
                let recorder = recording ? curve : nil
                recorder?.willRecord()
                limiting = .limiter(cachedPeaks: peaks, recordingInto: recorder)
            }
            let stream = CompensatedStream(stages: limiterStages(settings, softClip: clip, limiting), sampleRate: sr, channelCount: channels)
            source.forEachBlock { stream.push($0, body) }
            stream.finish(body)
            if recording { curve?.didRecord(settings) }
        }
        func finalPass(_ settings: LimiterSettings, _ body: ([UnsafeBufferPointer<Float>]) -> Void) {
            limitedPass(settings, recording: false, body)
        }
        // One search pass: the limited master (kept only when nothing streams it later), its meter, the
        // loudest section's loudness in it, and the loudness (and shape gains) it will have once the shape
        // stage has put the sections back.
        typealias Pass = (master: AudioBuffer?, meter: LoudnessMeter, sectionLUFS: Double, lufs: Double, gains: [Double])
        func songPass(_ settings: LimiterSettings, recording: Bool) -> Pass {
            var m = LoudnessMeter(sampleRate: sr, channelCount: channels)
            var sectionMeter = RangeMeter(sampleRate: sr, channelCount: channels, range: sectionRange)
            var master: AudioBuffer?
            if sink == nil {
                // Measured whole, as the master will be measured.
                master = AudioBuffer.collecting(sampleRate: sr, channelCount: channels, frameCount: frames) { emit in
                    limitedPass(settings, recording: false, emit)
                }
                master!.withChannelPointers(0..<frames) { m.add($0) }
            } else {
                limitedPass(settings, recording: recording) { block in m.add(block); sectionMeter.add(block) }
            }
            let (lufs, gains) = songLoudness(m)
            return (master, m, master.map { integrated($0, range: sectionRange) } ?? sectionMeter.integratedLUFS, lufs, gains)
        }
        func sectionLoss(_ gainDB: Double) -> Double {
            var s = plan.limiter
            s.inputGainDB = gainDB
            let stages = limiterStages(s, softClip: clip, cachedPeaks: cache(gainDB), cachedFrom: sliceStart)
            return preSection + gainDB - loudness(of: section, through: stages, range: measured)
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
        var shown = 0.5  // the last fraction reported: the last pass goes on from it
        lap("section search")

        // 2. On the whole song: correct the residual (the limiter is monotonic and nearly linear here).
        // The song loses less than its loudest section (its quieter parts are barely limited): start from
        // a share of the section's loss, then take secant steps.
        var settings = plan.limiter
        settings.inputGainDB = base + (shape == nil ? songLossShare : shapedSongLossShare) * (gain - base)
        // It records its gain for the last pass when it is expected to land: a second pass would have to
        // detect the peaks the recording overwrote again (the later passes record: the secant lands).
        var pass = songPass(settings, recording: records && firstPassMissPerLU * (gain - base) <= searchToleranceLU)
        var achieved = pass.lufs, shapeGains = pass.gains
        var passes = 1
        trace.note("pass 1: gain \(settings.inputGainDB) dB (section loss \(loss) LU) lands \(achieved - target) LU off the target")
        var previous: (gain: Double, lufs: Double)? = nil
        while abs(achieved - target) > searchToleranceLU && passes < 6 {
            // The first step follows the section's own slope (the song's loudness moves with its loudest part).
            var slope = min(1, max(0.2, sectionSlope))
            if let p = previous, abs(settings.inputGainDB - p.gain) > 1e-6 {
                slope = min(1, max(0.2, (achieved - p.lufs) / (settings.inputGainDB - p.gain)))
            }
            previous = (settings.inputGainDB, achieved)
            settings.inputGainDB += (target - achieved) / slope
            pass = songPass(settings, recording: records)
            (achieved, shapeGains) = (pass.lufs, pass.gains)
            passes += 1
            trace.note("pass \(passes): gain \(settings.inputGainDB) dB lands \(achieved - target) LU off the target")
            shown = min(0.9, 0.5 + 0.1 * Double(passes))
            progress?(shown)
        }

        // 3. The guard: the limiter may take at most maxLimitingLU from the loudest section. If the target
        // needs more, find the gain where it takes exactly that (secant on the section's loss, which grows
        // with the gain) and stop there: the master stays under the target and the checklist says so.
        var guardLimited = false
        var shareRestored = 1.0
        let finalLoss = preSection + settings.inputGainDB - pass.sectionLUFS
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
            pass = songPass(settings, recording: records)
            (achieved, shapeGains) = (pass.lufs, pass.gains)
            passes += 1
            // With the shape stage, the target may still be reached by putting back less of the shape:
            // the loudness the target needs comes first, the shape gets what the limiter's budget leaves.
            if let shape, achieved < target - 0.05,
               let share = ShapeRestore.share(reaching: target, meter: pass.meter, shape: shape, gains: shapeGains) {
                shapeGains = shapeGains.map { ($0 * share * 100).rounded() / 100 }
                shareRestored = share
                achieved = target
                guardLimited = false
            }
        }
        let loudnessRangeLimited = pass.meter.loudnessRangeLU()
        // What the limiter took from the loudest section, measured before the shape stage (whose ramps at
        // the section's edges would otherwise count as limiting).
        var limitingLU = preSection + settings.inputGainDB - pass.sectionLUFS
        lap("full passes \(passes)")

        // 4. The shape stage puts the sections back under the loudest, after the limiter (it only lowers).
        // Then the ceiling is verified at 8x (the finer of the two checks); a corrective pass catches what
        // the gain modulation created.
        var master: AudioBuffer
        var peaks8x: [TruePeakMeter.Result]
        var corrective = false
        if let sink {
            let final = streamFinal(finalPass, settings: settings, shape: shape, gains: shapeGains, plan: plan,
                                    sampleRate: sr, channelCount: channels, frameCount: frames, sectionRange: sectionRange, corrective: false,
                                    measuresLoudness: measuresLoudness, sink: sink,
                                    progress: progress.map { [from = max(0.6, shown)] p in { p(min(0.95, from + (0.95 - from) * $0)) } })
            peaks8x = final.peaks8x
            if shape != nil || !measuresLoudness { achieved = final.lufs }
            if dB(peaks8x) > plan.limiter.ceilingDBTP {
                let again = streamFinal(finalPass, settings: settings, shape: shape, gains: shapeGains, plan: plan,
                                        sampleRate: sr, channelCount: channels, frameCount: frames, sectionRange: sectionRange, corrective: true,
                                        measuresLoudness: measuresLoudness, sink: sink)
                limitingLU += again.sectionBefore - again.sectionAfter
                peaks8x = again.peaks8x
                achieved = again.lufs
                corrective = true
            }
            master = AudioBuffer(sampleRate: sr, channelCount: channels, frameCount: 0)
        } else {
            master = pass.master!
            pass.master = nil  // the only reference: the shape stage works in place
            if let shape {
                ShapeRestore.apply(&master, shape: shape, gains: shapeGains)
                achieved = integrated(master)
            }
            peaks8x = truePeaks(master, factor: 8)
            if dB(peaks8x) > plan.limiter.ceilingDBTP {
                var second = plan.limiter
                second.inputGainDB = 0
                let sectionBefore = integrated(master, range: sectionRange)
                master = limit(master, settings: second)
                limitingLU += sectionBefore - integrated(master, range: sectionRange)
                peaks8x = truePeaks(master, factor: 8)
                achieved = integrated(master)
                corrective = true
            }
        }
        let truePeak = dB(peaks8x)
        lap("8x check\(sink == nil ? "" : " (streamed master)")")
        var rendered = plan
        rendered.limiter.inputGainDB = (settings.inputGainDB * 1000).rounded() / 1000
        if shape != nil {
            rendered.shape?.gainsDB = shapeGains
            rendered.shape?.shareRestored = (shareRestored * 100).rounded() / 100
            if let k = rendered.decisions.firstIndex(where: { $0.stage == "shape" }) {
                rendered.decisions[k].summary = DecisionText.shape(evenOut: plan.evenOut, gains: shapeGains, shareRestored: shareRestored)
            }
        }
        // The clipper's share of the loudest section's loss: the section through the clipper alone.
        var softClipLoss: Double? = nil
        if let clip {
            let stages: [AudioStage] = [GainStage(gainDB: settings.inputGainDB), SoftClipStage(settings: clip, limiterCeilingDBTP: settings.ceilingDBTP)]
            softClipLoss = preSection + settings.inputGainDB - loudness(of: section, through: stages, range: measured)
        }
        progress?(1)
        let chain = pre.chain
        return RenderResult(master: master, preLimiter: pre.kept, plan: rendered, achievedLUFS: achieved,
                            limitingLU: limitingLU,
                            guardLimited: guardLimited, passes: passes,
                            compressorReductionDB: chain.compressor.meanReductionDB, truePeak8xDBTP: truePeak, truePeaks8x: peaks8x,
                            correctivePass: corrective, loudnessRangeAfterSectionGainLU: chain.afterSectionGain?.loudnessRangeLU(),
                            loudnessRangePreLimiterLU: preMeter.loudnessRangeLU(), loudnessRangeLimitedLU: loudnessRangeLimited,
                            transient: chain.transientStats, softClipLossLU: softClipLoss, compressorGainReduction: chain.compressor.gainReductionCurve)
    }

    /// The integrated loudness of `stretch` run through `stages` (latency compensated), over its frames in
    /// `range`: streamed into the meter, no copy of the stretch or of the output. The same figure as measuring
    /// a collected output (the meter adds its sums in the same order however the frames come).
    static func loudness(of stretch: SearchStretch, through stages: [AudioStage], range: Range<Int>) -> Double {
        let (sr, channels) = (stretch.audio.sampleRate, stretch.audio.channelCount)
        let stream = CompensatedStream(stages: stages, sampleRate: sr, channelCount: channels)
        var m = RangeMeter(sampleRate: sr, channelCount: channels, range: range)
        stretch.withPointers { stream.push($0) { m.add($0) } }
        stream.finish { m.add($0) }
        return m.integratedLUFS
    }

    /// The last pass of a streamed render: the limiter at the settings found, the shape stage, a corrective
    /// limiter when asked, then the sink; measured on the way (8x true peak, loudness, the loudest section
    /// before and after the corrective limiter).
    static func streamFinal(_ limitedPass: (LimiterSettings, ([UnsafeBufferPointer<Float>]) -> Void) -> Void,
                            settings: LimiterSettings, shape: ShapeSettings?, gains: [Double], plan: MasteringPlan,
                            sampleRate sr: Double, channelCount channels: Int, frameCount: Int, sectionRange: Range<Int>,
                            corrective: Bool, measuresLoudness: Bool, sink: MasterSink, progress: ((Double) -> Void)? = nil)
        -> (peaks8x: [TruePeakMeter.Result], lufs: Double, sectionBefore: Double, sectionAfter: Double) {
        sink.restart()
        let shapeStage = shape.map { ShapeRestore.stage($0, gains: gains, sampleRate: sr, channelCount: channels) }
        var truePeak = TruePeakMeter.Stream(meter: TruePeakMeter(interpolator: TruePeakInterpolator(factor: 8, tapsPerPhase: 32)),
                                            channelCount: channels)
        var loudness = LoudnessMeter(sampleRate: sr, channelCount: channels)
        var before = RangeMeter(sampleRate: sr, channelCount: channels, range: sectionRange)
        var after = RangeMeter(sampleRate: sr, channelCount: channels, range: sectionRange)
        var second = plan.limiter
        second.inputGainDB = 0
        let correction = corrective ? CompensatedStream(stages: [TruePeakLimiterStage(settings: second)], sampleRate: sr, channelCount: channels) : nil
        var shaped = AudioBuffer(sampleRate: sr, channelCount: channels, frameCount: blockSize)
        func deliver(_ block: [UnsafeBufferPointer<Float>]) {
            truePeak.add(block)
            if measuresLoudness { loudness.add(block) }
            if corrective { after.add(block) }
            sink.add(block)
        }
        // Progress every 64 blocks (about 6 s of audio): the last pass of a long song takes a while.
        var delivered = 0, blocks = 0
        let total = Double(max(1, frameCount))
        limitedPass(settings) { block in
            let n = block[0].count
            delivered += n; blocks += 1
            if blocks % 64 == 0 { progress?(Double(delivered) / total) }
            for c in 0..<channels {
                shaped.channels[c].withUnsafeMutableBufferPointer { s in s.baseAddress!.update(from: block[c].baseAddress!, count: n) }
            }
            shaped.withMutableBlock(0..<n) { b in shapeStage?.process(b) }
            shaped.withChannelPointers(0..<n) { b in
                if let correction { before.add(b); correction.push(b, deliver) } else { deliver(b) }
            }
        }
        correction?.finish(deliver)
        return (truePeak.finish(), measuresLoudness ? loudness.integratedLUFS() : .nan, before.integratedLUFS, after.integratedLUFS)
    }

    /// The chain's output kept whole, measured.
    static func storedPreLimiter(_ input: consuming AudioBuffer, plan: MasteringPlan) -> PreLimited {
        let (pre, chain) = preLimiter(consume input, plan: plan)
        let (range, slice, measured) = sectionSlice(plan, sampleRate: pre.sampleRate, frameCount: pre.frameCount)
        return PreLimited(source: .stored(pre), kept: pre, chain: chain, meter: meter(pre), section: SearchStretch(audio: pre, frames: slice),
                          sectionMeasured: measured, sectionRange: range)
    }

    /// The chain run once over the mix for its measurements (and the loudest section's stretch), without
    /// keeping its output: the passes recompute it.
    static func livePreLimiter(_ input: any AudioSource, plan: MasteringPlan) -> PreLimited {
        let chain = PreChain(plan: plan, sampleRate: input.sampleRate, channelCount: input.channelCount)
        var m = LoudnessMeter(sampleRate: input.sampleRate, channelCount: input.channelCount)
        let (range, slice, measured) = sectionSlice(plan, sampleRate: input.sampleRate, frameCount: input.frameCount)
        var section = AudioBuffer(sampleRate: input.sampleRate, channelCount: input.channelCount, frameCount: slice.count)
        var position = 0
        chain.run(over: input) { block in
            let b = block.readOnly
            m.add(b)
            let n = b[0].count, lo = max(slice.lowerBound, position), hi = min(slice.upperBound, position + n)
            if lo < hi {
                for c in b.indices {
                    section.channels[c].withUnsafeMutableBufferPointer { s in
                        (s.baseAddress! + lo - slice.lowerBound).update(from: b[c].baseAddress! + lo - position, count: hi - lo)
                    }
                }
            }
            position += n
        }
        return PreLimited(source: .live(mix: input, plan: plan), kept: AudioBuffer(sampleRate: input.sampleRate, channelCount: input.channelCount, frameCount: 0),
                          chain: chain, meter: m, section: SearchStretch(audio: section, frames: 0..<section.frameCount),
                          sectionMeasured: measured, sectionRange: range)
    }

    /// The loudest section's frames, the stretch cut for the search (with up to 1 s of pre-roll) and the
    /// section's frames within that stretch.
    static func sectionSlice(_ plan: MasteringPlan, sampleRate sr: Double, frameCount: Int) -> (section: Range<Int>, slice: Range<Int>, measured: Range<Int>) {
        let start = Int(plan.loudestSection.startSeconds * sr), end = min(frameCount, Int(plan.loudestSection.endSeconds * sr))
        let preroll = min(start, Int(sr))
        let slice = (start - preroll)..<max(end, start - preroll + 1)
        return (start..<max(end, start + 1), slice, preroll..<slice.count)
    }
}

/// The stretch of the chain's output the loudness search runs on (the loudest section and its pre-roll): a
/// range of the chain's output kept whole (no copy), or a copy made on the way (a live render).
struct SearchStretch {
    let audio: AudioBuffer
    let frames: Range<Int>
    var frameCount: Int { frames.count }

    /// Calls `body` with one pointer per channel over the stretch.
    func withPointers<R>(_ body: ([UnsafeBufferPointer<Float>]) -> R) -> R { audio.withChannelPointers(frames, body) }
}

/// The chain's output as the render uses it: where the passes read it, the copy kept (empty when live), the
/// chain's statistics, its meter and the loudest section's stretch.
struct PreLimited {
    var source: PreSource
    var kept: AudioBuffer
    var chain: PreChain
    var meter: LoudnessMeter
    var section: SearchStretch
    var sectionMeasured: Range<Int>
    var sectionRange: Range<Int>
}
