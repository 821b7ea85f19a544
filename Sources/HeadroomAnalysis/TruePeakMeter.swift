import Foundation
import HeadroomDSP

/// Measures the true (inter-sample) peak of whole channels with a 4x interpolator, and counts
/// inter-sample overs (positions where the reconstructed waveform exceeds 0 dBFS).
///
/// It interpolates only where it can matter: the signal is cut into blocks, and a block whose sample
/// peak times the interpolator's gain bound cannot beat the current maximum (nor reach 0 dBFS) is
/// skipped. The result equals interpolating everything.
public struct TruePeakMeter: Sendable {
    public let interpolator: TruePeakInterpolator
    static let blockFrames = 256

    public init(interpolator: TruePeakInterpolator = TruePeakInterpolator()) {
        self.interpolator = interpolator
    }

    /// The result for one channel.
    public struct Result: Sendable, Equatable {
        /// Largest |x| of the interpolated signal (linear; ≥ the sample peak).
        public var truePeak: Float
        /// Input positions whose interpolated peak exceeds full scale.
        public var overFrames: [Int]
    }

    /// Measures one channel.
    public func measure(_ x: UnsafeBufferPointer<Float>) -> Result {
        let t = interpolator.tapsPerPhase
        let total = x.count + t  // outputs cover the filter's tail
        let b = Self.blockFrames
        let blockCount = (total + b - 1) / b
        var blockPeak = [Float](repeating: 0, count: blockCount)
        for j in 0..<blockCount {
            let lo = j * b, hi = min(x.count, lo + b)
            blockPeak[j] = lo < hi ? TruePeakInterpolator.absMax(x.baseAddress! + lo, count: hi - lo) : 0
        }
        // Output n depends on x[n-T+1 ... n]: the block itself and the one before (T ≤ block size).
        var bound = [Float](repeating: 0, count: blockCount)
        for j in 0..<blockCount { bound[j] = max(blockPeak[j], j > 0 ? blockPeak[j - 1] : 0) * interpolator.gainBound }
        let order = (0..<blockCount).sorted { bound[$0] > bound[$1] }
        var best: Float = blockPeak.max() ?? 0
        var overs: [Int] = []
        var scratch: [Float] = []
        for j in order {
            if bound[j] <= best && bound[j] <= 1 { break }
            let range = (j * b)..<min(total, (j + 1) * b)
            var positions: [Int] = []
            let p = interpolator.peak(of: x, positions: range, scratch: &scratch,
                                      overThreshold: 1, overPositions: &positions)
            best = max(best, p)
            overs.append(contentsOf: positions.map { $0 - interpolator.delayFrames })
        }
        overs.sort()
        return Result(truePeak: best, overFrames: overs.map { max(0, min(x.count - 1, $0)) })
    }

    /// The true peak over all channels of `audio`, in dBTP.
    public func truePeakDBTP(of audio: AudioBuffer) -> Double {
        Decibels.fromAmplitude(Double(audio.channels.map { c in c.withUnsafeBufferPointer { measure($0).truePeak } }.max() ?? 0))
    }
}
