import Foundation
import HeadroomDSP
import HeadroomMastering
import HeadroomSignals
import Testing

/// Every stage earns: block-size invariance, reset → same output, bypass = identity, latency reported =
/// latency measured with an impulse.
@Suite struct StageTests {
    static let sr = 44_100.0

    static func music(seconds: Double = 3) -> AudioBuffer {
        var song = SyntheticSong(sections: [.init("a", seconds: seconds, levelDB: 0, bright: true)])
        song.peakDBFS = -3
        return song.render()
    }

    /// Fresh instances of every stage with settings that do something.
    static func makeStages() -> [(String, () -> AudioStage)] {
        [
            ("section gain", { SectionGainStage(settings: SectionGainSettings(segments: [
                .init(startSeconds: 0, endSeconds: 1, gainDB: 3), .init(startSeconds: 1, endSeconds: 2, gainDB: -2),
                .init(startSeconds: 2, endSeconds: 3, gainDB: 1)])) }),
            ("clean-up", { CleanupStage(settings: CleanupSettings(enabled: true, removeDC: true, highPassHz: 30)) }),
            ("eq", { ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [
                EQBand(kind: .lowShelf, frequencyHz: 100, gainDB: 2), EQBand(kind: .bell, frequencyHz: 1000, gainDB: -3, q: 0.8),
                EQBand(kind: .highShelf, frequencyHz: 8000, gainDB: -2)])) }),
            ("compressor", { GlueCompressorStage(settings: CompressorSettings(enabled: true, thresholdDB: -24, ratio: 2)) }),
            ("stereo lows", { StereoLowsStage(settings: StereoLowsSettings(enabled: true)) }),
            ("limiter", { TruePeakLimiterStage(settings: LimiterSettings(inputGainDB: 8, ceilingDBTP: -1)) }),
            ("transient shaper", { TransientShaperStage(settings: TransientSettings(enabled: true, attackDB: -4, sustainDB: 2)) }),
            // Clip level −6 dBFS, knee from −9: the music (peaks at −3 dBFS) is bent.
            ("soft clipper", { SoftClipStage(settings: SoftClipSettings(enabled: true), limiterCeilingDBTP: -8) }),
        ]
    }

    static func run(_ stage: AudioStage, _ input: AudioBuffer, blockSize: Int) -> AudioBuffer {
        stage.prepare(ProcessSpec(sampleRate: input.sampleRate, maxFrameCount: blockSize, channelCount: input.channelCount))
        var out = input
        out.process(with: stage, blockSize: blockSize)
        return out
    }

    static func maxDifference(_ a: AudioBuffer, _ b: AudioBuffer) -> Float {
        var d: Float = 0
        for c in 0..<a.channelCount { for i in 0..<a.frameCount { d = max(d, abs(a.channels[c][i] - b.channels[c][i])) } }
        return d
    }

    @Test(arguments: [1, 17, 512])
    func blockSizeDoesNotChangeTheOutput(blockSize: Int) {
        let input = Self.music(seconds: blockSize == 1 ? 1.5 : 3)
        for (name, make) in Self.makeStages() {
            let reference = Self.run(make(), input, blockSize: 4096)
            let other = Self.run(make(), input, blockSize: blockSize)
            #expect(Self.maxDifference(reference, other) < 1e-6, "\(name) at \(blockSize)")
        }
    }

    /// The EQ's and the width stage's C loops (portable, AVX, AVX-512: a wavefront of filters per vector) give
    /// their Swift loops' samples bit for bit, for cascades of 1 to past the vector loops' 64 filters (those
    /// run the portable loop), stereo and mono, in blocks of any length (shorter than the cascade too).
    @Test(arguments: [0, 1, 2])
    func theCascadesCLoopsAreTheirSwiftLoops(level: Int) {
        let input = Self.music(seconds: 1)
        let mono = AudioBuffer(sampleRate: input.sampleRate, channels: [input.channels[0]])
        let kinds: [EQBand.Kind] = [.bell, .lowShelf, .highShelf]
        for count in [1, 3, 5, 27, 70] {
            let bands = (0..<count).map { k in
                EQBand(kind: kinds[k % 3], frequencyHz: 40 * pow(1.08, Double(k)), gainDB: k % 2 == 0 ? 2.5 : -1.5, q: 0.7 + 0.05 * Double(k % 5))
            }
            let stages: [(String, (LoopKernel) -> AudioStage, AudioBuffer)] = [
                ("eq", { ToneEQStage(settings: ToneEQSettings(enabled: true, bands: bands), kernel: $0) }, input),
                ("eq mono", { ToneEQStage(settings: ToneEQSettings(enabled: true, bands: bands), kernel: $0) }, mono),
                ("width", { WidthStage(settings: WidthSettings(enabled: true, sideBands: bands), kernel: $0) }, input),
            ]
            for (name, make, audio) in stages {
                let swift = make(.swift), c = make(.c(level: level))
                var outputs: [[[Float]]] = []
                for stage in [swift, c] {
                    stage.prepare(ProcessSpec(sampleRate: audio.sampleRate, maxFrameCount: 4096, channelCount: audio.channelCount))
                    var out = audio
                    var start = 0
                    for size in [1, 2, 30, 4096, 7, 64, 4096] + Array(repeating: 4096, count: 10) where start < out.frameCount {
                        let end = min(out.frameCount, start + size)
                        out.withMutableBlock(start..<end) { stage.process($0) }
                        start = end
                    }
                    outputs.append(out.channels)
                }
                let (same, changed) = (outputs[0] == outputs[1], outputs[0] != audio.channels)  // (not printed whole on failure)
                #expect(same, "\(name), \(count) filters: the same samples")
                #expect(changed, "\(name), \(count) filters: filtered")
            }
        }
    }

    @Test func resetThenReprocessGivesTheSameOutput() {
        let input = Self.music()
        for (name, make) in Self.makeStages() {
            let stage = make()
            let first = Self.run(stage, input, blockSize: 512)
            stage.reset()
            var second = input
            second.process(with: stage, blockSize: 512)
            #expect(Self.maxDifference(first, second) == 0, "\(name)")
        }
    }

    @Test func bypassIsTheIdentity() {
        let input = Self.music()
        let bypassed: [(String, AudioStage)] = [
            ("section gain", SectionGainStage(settings: SectionGainSettings(enabled: false, segments: [.init(startSeconds: 0, endSeconds: 3, gainDB: 4)]))),
            ("clean-up", CleanupStage(settings: CleanupSettings(enabled: false, removeDC: true, highPassHz: 30))),
            ("eq", ToneEQStage(settings: ToneEQSettings(enabled: false, bands: [EQBand(kind: .bell, frequencyHz: 1000, gainDB: 6)]))),
            ("compressor", GlueCompressorStage(settings: CompressorSettings(enabled: false, thresholdDB: -40))),
            ("stereo lows", StereoLowsStage(settings: StereoLowsSettings(enabled: false))),
            ("eq at 0 dB", ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [EQBand(kind: .bell, frequencyHz: 1000, gainDB: 0)]))),
            ("transient shaper", TransientShaperStage(settings: TransientSettings(enabled: false, attackDB: -6))),
            ("transient shaper at 0 dB", TransientShaperStage(settings: TransientSettings(enabled: true))),
            ("soft clipper", SoftClipStage(settings: SoftClipSettings(enabled: false), limiterCeilingDBTP: -8)),
        ]
        for (name, stage) in bypassed {
            #expect(Self.maxDifference(Self.run(stage, input, blockSize: 4096), input) < 1e-6, "\(name)")
        }
        // The limiter below its ceiling is a pure delay.
        let quiet = TruePeakLimiterStage(settings: LimiterSettings(inputGainDB: -12, ceilingDBTP: -1))
        let out = Self.run(quiet, input, blockSize: 4096)
        let g = Float(Decibels.toAmplitude(-12)), latency = quiet.latencyFrames
        var d: Float = 0
        for i in latency..<input.frameCount { d = max(d, abs(out.channels[0][i] - input.channels[0][i - latency] * g)) }
        #expect(d < 1e-6)
        // The clipper under its knee (−1 dBFS here) is a pure delay, bit for bit.
        let open = SoftClipStage(settings: SoftClipSettings(enabled: true), limiterCeilingDBTP: 0)
        let delayed = Self.run(open, input, blockSize: 4096), clipLatency = open.latencyFrames
        var e: Float = 0
        for c in 0..<2 { for i in clipLatency..<input.frameCount { e = max(e, abs(delayed.channels[c][i] - input.channels[c][i - clipLatency])) } }
        #expect(e == 0 && open.clippedCount == 0)
    }

    @Test func reportedLatencyMatchesAnImpulse() {
        for (name, make) in Self.makeStages() {
            let stage = make()
            var impulse = AudioBuffer(sampleRate: Self.sr, channelCount: 2, frameCount: 8192)
            impulse.channels[0][100] = 0.01; impulse.channels[1][100] = 0.01
            let out = Self.run(stage, impulse, blockSize: 256)
            let peakAt = out.channels[0].indices.max { abs(out.channels[0][$0]) < abs(out.channels[0][$1]) }!
            #expect(peakAt - 100 == stage.latencyFrames, "\(name): measured \(peakAt - 100), reported \(stage.latencyFrames)")
        }
    }

    @Test func silenceStaysSilentAndFinite() {
        let silence = AudioBuffer(sampleRate: Self.sr, channelCount: 2, frameCount: 20_000)
        for (name, make) in Self.makeStages() {
            let out = Self.run(make(), silence, blockSize: 1000)
            #expect(out.channels.allSatisfy { $0.allSatisfy { $0 == 0 } }, "\(name)")
        }
    }

    /// The compressor's envelope: one value per 0.1 s, the deepest reduction of each, agreeing with the
    /// stage's own mean and staying at 0 where the input is under the threshold.
    @Test func compressorEnvelopeFollowsTheReduction() throws {
        let sr = 48_000.0
        var settings = CompressorSettings(enabled: true, thresholdDB: -20, ratio: 4, kneeDB: 0)
        settings.attackMilliseconds = 5
        let quiet = Signals.sine(frequencyHz: 1000, amplitudeDBFS: -40, seconds: 1, sampleRate: sr)
        let loud = Signals.sine(frequencyHz: 1000, amplitudeDBFS: -8, seconds: 1, sampleRate: sr)
        var audio = Signals.stereo(quiet + loud, sampleRate: sr)
        let stage = GlueCompressorStage(settings: settings)
        stage.prepare(ProcessSpec(sampleRate: sr, maxFrameCount: 512, channelCount: 2))
        audio.process(with: stage, blockSize: 512)
        let curve = try #require(stage.gainReductionCurve)
        #expect(curve.reductionDB.count == 20)
        #expect(curve.reductionDB.prefix(10).allSatisfy { $0 == 0 }, "\(curve.reductionDB)")
        // 12 dB over a 4:1 threshold: 9 dB of reduction once the attack has settled.
        #expect(curve.reductionDB.suffix(8).allSatisfy { abs($0 - -9) < 0.3 }, "\(curve.reductionDB)")
        #expect(abs(curve.reductionDB.reduce(0, +) / 20 + stage.meanReductionDB) < 0.5)
        let off = GlueCompressorStage(settings: CompressorSettings(enabled: false))
        #expect(off.gainReductionCurve == nil)
    }
}
