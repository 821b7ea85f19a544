import Foundation
import HeadroomDSP

/// Deterministic test and demo signals: sines, noise, EBU-style tones.
public enum Signals {
    /// A sine of `amplitudeDBFS` peak level.
    public static func sine(frequencyHz: Double, amplitudeDBFS: Double, seconds: Double, sampleRate: Double,
                            phaseRadians: Double = 0) -> [Float] {
        let a = Decibels.toAmplitude(amplitudeDBFS)
        let n = Int((seconds * sampleRate).rounded())
        let w = 2 * Double.pi * frequencyHz / sampleRate
        return (0..<n).map { Float(a * sin(w * Double($0) + phaseRadians)) }
    }

    /// The same signal in both channels.
    public static func stereo(_ x: [Float], sampleRate: Double) -> AudioBuffer {
        AudioBuffer(sampleRate: sampleRate, channels: [x, x])
    }

    /// Uniform white noise in [−amplitude, amplitude], from a seeded generator.
    public static func whiteNoise(amplitude: Float, count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in amplitude * rng.nextSignedUnit() }
    }

    /// Approximately pink noise (−3 dB/octave, Paul Kellet's filter), zero-mean, scaled so its RMS is
    /// `rmsDBFS`.
    public static func pinkNoise(rmsDBFS: Double, count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0, b4 = 0.0, b5 = 0.0, b6 = 0.0
        var out = [Float](repeating: 0, count: count)
        var sumSquares = 0.0
        for i in 0..<count {
            let white = Double(rng.nextSignedUnit())
            b0 = 0.99886 * b0 + white * 0.0555179; b1 = 0.99332 * b1 + white * 0.0750759
            b2 = 0.96900 * b2 + white * 0.1538520; b3 = 0.86650 * b3 + white * 0.3104856
            b4 = 0.55000 * b4 + white * 0.5329522; b5 = -0.7616 * b5 - white * 0.0168980
            let y = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362
            b6 = white * 0.115926
            out[i] = Float(y)
            sumSquares += y * y
        }
        let mean = out.reduce(0.0) { $0 + Double($1) } / Double(max(1, count))
        let rms = max(0, sumSquares / Double(max(1, count)) - mean * mean).squareRoot()
        let g = Float(Decibels.toAmplitude(rmsDBFS) / max(rms, 1e-12))
        return out.map { ($0 - Float(mean)) * g }
    }

    /// A dense multitone whose 1/3-octave band levels follow `levelDB(frequencyHz)` (relative dB):
    /// `tonesPerThirdOctave` sines per 1/3 octave at jittered log-spaced frequencies from 20 Hz to
    /// `min(20 kHz, 0.45·rate)`, random phases, scaled to `rmsDBFS`. Deterministic for a seed.
    public static func multitone(levelDB: (Double) -> Double, rmsDBFS: Double, seconds: Double, sampleRate: Double,
                                 tonesPerThirdOctave: Int = 6, seed: UInt64 = 1) -> [Float] {
        var rng = SplitMix64(seed: seed)
        let top = min(20_000, 0.45 * sampleRate)
        let count = Int(Double(tonesPerThirdOctave) * 3 * log2(top / 20))
        let n = Int((seconds * sampleRate).rounded())
        var out = [Double](repeating: 0, count: n)
        for t in 0..<count {
            let position = (Double(t) + 0.5 + 0.4 * Double(rng.nextSignedUnit())) / Double(count)
            let f = 20 * pow(top / 20, position)
            let amplitude = Decibels.toAmplitude(levelDB(f))
            let w = 2 * Double.pi * f / sampleRate
            let phase = Double.pi * Double(rng.nextSignedUnit())
            // Recursive oscillator: y[n] = 2cos(w)·y[n−1] − y[n−2].
            let k = 2 * cos(w)
            var y1 = amplitude * sin(phase - w), y2 = amplitude * sin(phase - 2 * w)
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    let y = k * y1 - y2
                    y2 = y1; y1 = y
                    o[i] += y
                }
            }
        }
        let rms = (out.reduce(0) { $0 + $1 * $1 } / Double(max(1, n))).squareRoot()
        let g = Decibels.toAmplitude(rmsDBFS) / max(rms, 1e-12)
        return out.map { Float($0 * g) }
    }

    /// Concatenates signals.
    public static func concatenate(_ parts: [[Float]]) -> [Float] { parts.flatMap { $0 } }
}
