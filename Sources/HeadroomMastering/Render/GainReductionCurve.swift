import Foundation
import HeadroomDSP

/// The limiter's gain reduction over time, measured from a render: the master against the chain's output
/// before the limiter (raised by the limiter's input gain, and lowered by the shape stage's gains after it,
/// which are not the limiter's). Per 10 ms the gain is the ratio of their RMS
/// (the limiter's gain moves slowly against 10 ms); each point is the deepest reduction of its interval.
public struct GainReductionCurve: Codable, Sendable, Equatable {
    public var intervalSeconds: Double
    /// Gain reduction in dB (0 or negative), one value per interval.
    public var reductionDB: [Double]

    public var maxReductionDB: Double { reductionDB.min() ?? 0 }

    public init(intervalSeconds: Double, reductionDB: [Double]) {
        self.intervalSeconds = intervalSeconds; self.reductionDB = reductionDB
    }

    /// Windows quieter than this (dBFS RMS, before the limiter) say nothing about its gain.
    static let silenceDB = -60.0
    static let windowSeconds = 0.01

    public static func measure(preLimiter: AudioBuffer, master: AudioBuffer, inputGainDB: Double, shape: ShapeSettings? = nil,
                               intervalSeconds: Double = 0.1) -> GainReductionCurve {
        let shapeStage = shape.flatMap { s in s.gainsDB.map { ShapeRestore.stage(s, gains: $0, for: master) } }
        let sr = master.sampleRate
        let window = max(1, Int(sr * windowSeconds)), perPoint = max(1, Int((intervalSeconds / windowSeconds).rounded()))
        let n = min(preLimiter.frameCount, master.frameCount)
        let inputGain = Decibels.toAmplitude(inputGainDB)
        let floor = Decibels.toPower(silenceDB)
        var points: [Double] = []
        var deepest = 0.0, inPoint = 0
        var start = 0
        while start < n {
            let end = min(n, start + window)
            var pre = 0.0, post = 0.0
            for c in 0..<master.channelCount {
                preLimiter.channels[c].withUnsafeBufferPointer { p in
                    master.channels[c].withUnsafeBufferPointer { m in
                        for i in start..<end {
                            let x = Double(p[i]) * inputGain, y = Double(m[i])
                            pre += x * x; post += y * y
                        }
                    }
                }
            }
            let count = Double((end - start) * master.channelCount)
            if let shapeStage { pre *= pow(Double(shapeStage.gain(atFrame: (start + end) / 2)), 2) }
            if pre / count > floor * inputGain * inputGain {
                deepest = min(deepest, min(0, 10 * log10(max(post, 1e-30) / pre)))
            }
            inPoint += 1
            if inPoint == perPoint || end == n {
                points.append((deepest * 100).rounded() / 100)
                deepest = 0; inPoint = 0
            }
            start = end
        }
        return GainReductionCurve(intervalSeconds: Double(perPoint) * windowSeconds, reductionDB: points)
    }
}
