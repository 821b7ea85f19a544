import Foundation
import HeadroomDSP
import HeadroomMastering
import HeadroomSignals
import Testing

/// The transient shaper and the soft clipper on signals whose answer is known, and the peak control's
/// distortion (THD+N of a 1 kHz sine, SMPTE IMD of 60 Hz + 7 kHz at 4:1) driven 3 and 6 dB into it,
/// clipper and limiter against the limiter alone.
@Suite struct PeakControlTests {
    static let sr = 44_100.0

    /// Drum-like hits: noise bursts with a 1 ms rise and a 60 ms decay, every 250 ms, over a steady tone.
    static func hits(seconds: Double = 3) -> AudioBuffer {
        let n = Int(seconds * sr)
        let noise = Signals.whiteNoise(amplitude: 0.5, count: n, seed: 7)
        var x = [Float](repeating: 0, count: n)
        let period = Int(0.25 * sr)
        for i in 0..<n {
            let t = Double(i % period) / sr
            let env = t < 0.001 ? t / 0.001 : exp(-(t - 0.001) / 0.06)
            x[i] = Float(env) * noise[i] + 0.05 * Float(sin(2 * Double.pi * 200 * Double(i) / sr))
        }
        return Signals.stereo(x, sampleRate: sr)
    }

    static func run(_ stage: AudioStage, _ input: AudioBuffer) -> AudioBuffer {
        stage.prepare(ProcessSpec(sampleRate: input.sampleRate, maxFrameCount: 512, channelCount: input.channelCount))
        var out = input
        out.process(with: stage, blockSize: 512)
        return out
    }

    /// Peak over RMS (dB) of channel 0 after the first second.
    static func crestDB(_ a: AudioBuffer) -> Double {
        let x = a.channels[0][Int(sr)...]
        let peak = Double(x.map { abs($0) }.max() ?? 0)
        let rms = (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot()
        return 20 * log10(peak / rms)
    }

    @Test func theShaperSoftensOrSharpensHitsAndLeavesASteadyToneAlone() {
        let input = Self.hits()
        let softened = Self.run(TransientShaperStage(settings: TransientSettings(enabled: true, attackDB: -4)), input)
        let sharpened = Self.run(TransientShaperStage(settings: TransientSettings(enabled: true, attackDB: 3)), input)
        let before = Self.crestDB(input), soft = Self.crestDB(softened), sharp = Self.crestDB(sharpened)
        // Softened by 4 dB at a full transient: the hits' peaks come down 2 to 4.5 dB; the body of each hit
        // (its decay) is left, so the crest falls by less.
        let peakDrop = Renderer.truePeakDB(input, factor: 4) - Renderer.truePeakDB(softened, factor: 4)
        #expect(peakDrop > 2 && peakDrop < 4.5, "peaks down \(peakDrop) dB softened by 4")
        #expect(before - soft > 0.5 && before - soft < peakDrop, "crest \(before) → \(soft) dB softened by 4")
        #expect(sharp - before > 1 && sharp - before < 3.5, "crest \(before) → \(sharp) dB sharpened by 3")
        // A steady tone has no transient: once the envelopes settle the gain is 0 dB.
        let tone = Signals.stereo(Signals.sine(frequencyHz: 440, amplitudeDBFS: -12, seconds: 2, sampleRate: Self.sr), sampleRate: Self.sr)
        let out = Self.run(TransientShaperStage(settings: TransientSettings(enabled: true, attackDB: -6, sustainDB: -6)), tone)
        var d: Float = 0
        for i in Int(Self.sr)..<tone.frameCount { d = max(d, abs(out.channels[0][i] - tone.channels[0][i])) }
        #expect(Double(d) < Decibels.toAmplitude(-12) * 0.02, "steady tone changed by \(d)")
    }

    @Test func theClipperRoundsPeaksToItsLevel() {
        let clipLevel = -1.0 + SoftClipSettings().clipOverCeilingDB
        let sine = Signals.stereo(Signals.sine(frequencyHz: 1000, amplitudeDBFS: clipLevel + 6, seconds: 1, sampleRate: Self.sr), sampleRate: Self.sr)
        let stage = SoftClipStage(settings: SoftClipSettings(enabled: true), limiterCeilingDBTP: -1)
        let out = Self.run(stage, sine)
        let peak = Renderer.truePeakDB(out, factor: 4)
        // Only the bend's part under the base rate's Nyquist comes back, so the rounded tips overshoot the
        // clip level by about a dB (the limiter after it takes that); 5 of the 6 dB are gone.
        #expect(peak <= clipLevel + 1.5 && peak < clipLevel + 6 - 4.5, "a sine 6 dB over the clip level comes out at \(peak) dBTP (clip level \(clipLevel))")
        #expect(stage.clippedCount > 0)
    }

    /// The clipper's C loop (portable, AVX, AVX-512) gives the Swift loop's samples bit for bit and counts the
    /// same bends, stereo and mono, in blocks of any length: loud noise and a sine with a quiet stretch
    /// between, so the loop's skips (spans under the knee, the decimator idle) and its bends both run.
    @Test(arguments: [0, 1, 2])
    func theClippersCLoopIsItsSwiftLoop(level: Int) {
        let n = 30_000
        var noise = Signals.pinkNoise(rmsDBFS: -10, count: n, seed: 5)
        let sine = Signals.sine(frequencyHz: 3_100, amplitudeDBFS: -3, seconds: Double(n) / Self.sr, sampleRate: Self.sr)
        for i in 12_000..<20_000 { noise[i] *= 0.01 }
        for channels in [[noise, sine], [noise]] {
            var outputs: [[[Float]]] = [], counts: [Int] = []
            for kernel in [LoopKernel.swift, .c(level: level)] {
                let stage = SoftClipStage(settings: SoftClipSettings(enabled: true), limiterCeilingDBTP: -6, kernel: kernel)
                stage.prepare(ProcessSpec(sampleRate: Self.sr, maxFrameCount: 4096, channelCount: channels.count))
                var audio = AudioBuffer(sampleRate: Self.sr, channels: channels)
                var start = 0
                for size in [1, 7, 4096, 3, 16, 17, 4000, 31, 4096] + Array(repeating: 4096, count: 5) where start < n {
                    let end = min(n, start + size)
                    audio.withMutableBlock(start..<end) { stage.process($0) }
                    start = end
                }
                outputs.append(audio.channels)
                counts.append(stage.clippedCount)
            }
            let (same, bent) = (outputs[0] == outputs[1], outputs[0] != channels)  // (not printed whole on failure)
            #expect(same, "\(channels.count) channel(s): the same samples")
            #expect(counts[0] == counts[1] && counts[0] > 1_000, "\(counts) bends")
            #expect(bent, "the clipper bent something")
        }
    }

    // MARK: distortion figures

    /// Amplitude and phase of `f` in `x` by correlation (x spans whole cycles of every probed frequency).
    static func component(_ x: ArraySlice<Float>, frequencyHz f: Double) -> (amplitude: Double, fit: [Double]) {
        var s = 0.0, c = 0.0
        let w = 2 * Double.pi * f / sr
        for (k, v) in x.enumerated() { s += Double(v) * sin(w * Double(k)); c += Double(v) * cos(w * Double(k)) }
        s *= 2 / Double(x.count); c *= 2 / Double(x.count)
        return ((s * s + c * c).squareRoot(), (0..<x.count).map { s * sin(w * Double($0)) + c * cos(w * Double($0)) })
    }

    /// THD+N (dB): everything but the fundamental, over the fundamental, on the last second.
    static func thdPlusNoiseDB(_ out: AudioBuffer) -> Double {
        let x = out.channels[0][(out.frameCount - Int(sr))...]
        let (_, fit) = component(x, frequencyHz: 1000)
        var residual = 0.0, fundamental = 0.0
        for (k, v) in x.enumerated() { residual += pow(Double(v) - fit[k], 2); fundamental += fit[k] * fit[k] }
        return 10 * log10(residual / fundamental)
    }

    /// SMPTE IMD (dB): the 7 kHz tone's sidebands at ±60, ±120, ±180 Hz over the 7 kHz tone, on the last second.
    static func imdDB(_ out: AudioBuffer) -> Double {
        let x = out.channels[0][(out.frameCount - Int(sr))...]
        let carrier = component(x, frequencyHz: 7000).amplitude
        var sidebands = 0.0
        for k in 1...3 { for sign in [-1.0, 1.0] { sidebands += pow(component(x, frequencyHz: 7000 + sign * 60 * Double(k)).amplitude, 2) } }
        return 10 * log10(sidebands / (carrier * carrier))
    }

    static func drive(_ x: [Float], overCeilingDB: Double, ceiling: Double) -> AudioBuffer {
        let peak = Double(x.map { abs($0) }.max() ?? 1)
        let g = Float(Decibels.toAmplitude(ceiling + overCeilingDB) / peak)
        return Signals.stereo(x.map { $0 * g }, sampleRate: sr)
    }

    @Test(arguments: [3.0, 6.0])
    func distortionAgainstTheLimiterAlone(driveDB: Double) {
        let ceiling = -1.0, seconds = 2.0
        let n = Int(seconds * Self.sr)
        let sine = Self.drive(Signals.sine(frequencyHz: 1000, amplitudeDBFS: 0, seconds: seconds, sampleRate: Self.sr), overCeilingDB: driveDB, ceiling: ceiling)
        let twoTone = Self.drive((0..<n).map { i in
            let t = Double(i) / Self.sr
            return Float(0.8 * sin(2 * Double.pi * 60 * t) + 0.2 * sin(2 * Double.pi * 7000 * t))
        }, overCeilingDB: driveDB, ceiling: ceiling)
        let limiter = LimiterSettings(ceilingDBTP: ceiling)
        let clip = SoftClipSettings(enabled: true)
        var figures: [String] = []
        for (name, clipSettings) in [("limiter alone", nil), ("clipper + limiter", clip)] as [(String, SoftClipSettings?)] {
            let a = Renderer.limit(sine, settings: limiter, softClip: clipSettings)
            let b = Renderer.limit(twoTone, settings: limiter, softClip: clipSettings)
            let thd = Self.thdPlusNoiseDB(a), imd = Self.imdDB(b)
            figures.append("\(name): THD+N \(String(format: "%.1f", thd)) dB, IMD \(String(format: "%.1f", imd)) dB")
            // Both hold the ceiling (the limiter's 8x detector, within its 0.1 dB margin at 8x).
            #expect(Renderer.truePeakDB(a, factor: 4) <= ceiling + 1e-6 && Renderer.truePeakDB(b, factor: 4) <= ceiling + 1e-6)
            if clipSettings == nil {
                // A lookahead limiter on a steady tone is a slow gain change: clean.
                #expect(thd < -40 && imd < -40, "\(name) at \(driveDB) dB: THD+N \(thd), IMD \(imd)")
            } else if driveDB <= 3 {
                // 3 dB into it the tips only reach the clipper's knee (1 dB over the ceiling): mild.
                #expect(thd < -30 && imd < -20, "\(name) at \(driveDB) dB: THD+N \(thd), IMD \(imd)")
            } else {
                // 6 dB into it a steady tone is bent for real: the price of the clipper, why it is for loud
                // targets only, where it meets short hits rather than held notes.
                #expect(thd < -15, "\(name) at \(driveDB) dB: THD+N \(thd), IMD \(imd)")
            }
        }
        print("peak control driven \(driveDB) dB: " + figures.joined(separator: "; "))
    }
}
