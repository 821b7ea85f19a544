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
    /// The block the render runs its stages on (frames).
    public static let blockSize = 4096
    /// The share of the loudest section's limiting loss the whole song loses (measured: 0.4 on a typical
    /// song, whose quieter parts are barely limited).
    static let songLossShare = 0.5
    /// The same with the shape stage: the sections are levelled into the limiter, so they are limited
    /// alike, and the shape stage lowers them after it, so the song loses about what the section loses
    /// (measured on the dev corpus: one pass for every track at spotify, where 0.5 needed two on credits1;
    /// at loud one or two, where 0.8 needed up to three).
    static let shapedSongLossShare = 1.0
    /// The loudness search is done when the song lands this close to the target (LU).
    static let searchToleranceLU = 0.05
    /// The first whole-song pass misses the target by about this share of the loudest section's limiting
    /// loss (measured: 0.07–0.12 on the bench song and the dev corpus, always short). Only a first pass
    /// expected within the tolerance records its gain for the last pass to play back: the recording
    /// overwrites the detector's peaks, which a second pass would detect again (about a pass's time).
    static let firstPassMissPerLU = 0.08

    /// Everything before the limiter, at the output sample rate.
    public static func preLimiter(_ input: AudioBuffer, plan: MasteringPlan,
                                  compressorReduction: inout Double) -> AudioBuffer {
        let (audio, chain) = preLimiter(input, plan: plan)
        compressorReduction = chain.compressor.meanReductionDB
        return audio
    }

    /// The same, with the chain that ran (its meters and the compressor's and shaper's statistics).
    /// The chain runs in place: on a copy of `input`, or on `input`'s own memory when the caller handed over
    /// the only reference to it (a streamed render of a mix nobody else holds: no second copy of the song).
    static func preLimiter(_ input: consuming AudioBuffer, plan: MasteringPlan) -> (AudioBuffer, PreChain) {
        var audio: AudioBuffer
        if let rate = plan.output.sampleRateHz { audio = Resampler.resample(releasing: consume input, to: rate) } else { audio = consume input }
        let chain = PreChain(plan: plan, sampleRate: audio.sampleRate, channelCount: audio.channelCount)
        audio.withMutableBlock(0..<audio.frameCount) { chain.run($0.channels) }
        return (audio, chain)
    }

    /// The limiter over a whole buffer, latency compensated (output lines up with input). `cachedPeaks`:
    /// the detector's peaks of this input (`TruePeakLimiterStage.detectorPeaks`), to skip detection.
    /// With `softClip` on, the input gain goes first, then the clipper, then the limiter (the detector's
    /// cache does not apply: the clipper is not linear).
    public static func limit(_ input: AudioBuffer, settings: LimiterSettings, softClip: SoftClipSettings? = nil,
                             cachedPeaks: [Float]? = nil) -> AudioBuffer {
        compensated(input, stages: limiterStages(settings, softClip: softClip, cachedPeaks: cachedPeaks.map { LimiterCurve(peaks: $0) }))
    }

    /// How a pass limits: the limiter (with the song's detector peaks when cached, `cachedFrom` being where
    /// the input starts in them; recording the gain it applies when asked), or the gain a pass at the same
    /// settings recorded, played back.
    enum Limiting {
        case limiter(cachedPeaks: LimiterCurve?, cachedFrom: Int = 0, recordingInto: LimiterCurve? = nil)
        case playback(LimiterCurve)
    }

    /// The limiter's stages: the limiter alone, or its input gain, the soft clipper and the limiter.
    static func limiterStages(_ settings: LimiterSettings, softClip: SoftClipSettings?, cachedPeaks: LimiterCurve?, cachedFrom: Int = 0) -> [AudioStage] {
        limiterStages(settings, softClip: softClip, .limiter(cachedPeaks: cachedPeaks, cachedFrom: cachedFrom))
    }

    static func limiterStages(_ settings: LimiterSettings, softClip: SoftClipSettings?, _ limiting: Limiting) -> [AudioStage] {
        // After a soft clipper the detector's peaks do not apply (the clipper is not linear).
        func limiter(_ s: LimiterSettings, afterClipper: Bool) -> AudioStage {
            switch limiting {
            case .limiter(let peaks, let from, let recording):
                return TruePeakLimiterStage(settings: s, cache: afterClipper ? nil : peaks, cachedFrom: from, recordingInto: recording)
            case .playback(let curve):
                return RecordedGainStage(settings: s, curve: curve)
            }
        }
        guard let clip = softClip, clip.enabled else { return [limiter(settings, afterClipper: false)] }
        var after = settings
        after.inputGainDB = 0
        return [GainStage(gainDB: settings.inputGainDB), SoftClipStage(settings: clip, limiterCeilingDBTP: settings.ceilingDBTP),
                limiter(after, afterClipper: true)]
    }

    /// Runs `stages` in order over a whole buffer, latency compensated (output lines up with input): the
    /// input is read once and the output written once.
    static func compensated(_ input: AudioBuffer, stages: [AudioStage]) -> AudioBuffer {
        let stream = CompensatedStream(stages: stages, sampleRate: input.sampleRate, channelCount: input.channelCount)
        return AudioBuffer.collecting(sampleRate: input.sampleRate, channelCount: input.channelCount, frameCount: input.frameCount) { emit in
            input.withChannelPointers(0..<input.frameCount) { stream.push($0, emit) }
            stream.finish(emit)
        }
    }

    static func integrated(_ audio: AudioBuffer, range: Range<Int>? = nil) -> Double {
        meter(audio, range: range).integratedLUFS()
    }

    static func meter(_ audio: AudioBuffer, range: Range<Int>? = nil) -> LoudnessMeter {
        audio.withChannelPointers(range ?? 0..<audio.frameCount) { meter($0, sampleRate: audio.sampleRate) }
    }

    /// A meter of `channels` (over `range` of their frames, all when nil).
    static func meter(_ channels: [UnsafeBufferPointer<Float>], sampleRate: Double, range: Range<Int>? = nil) -> LoudnessMeter {
        var meter = LoudnessMeter(sampleRate: sampleRate, channelCount: channels.count)
        meter.add(range.map { r in channels.map { UnsafeBufferPointer(rebasing: $0[r]) } } ?? channels)
        return meter
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
