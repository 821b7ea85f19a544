import HeadroomDSP

extension TruePeakMeter {
    /// The same measurement fed block by block (a master as it is rendered), with the same result as
    /// `measure` on the whole channel: a stretch is interpolated unless its samples' bound cannot beat the
    /// peak found so far nor reach full scale. Holds the interpolator's window (T − 1 samples per channel).
    public struct Stream: Sendable {
        public let meter: TruePeakMeter
        private var history: [[Float]]
        private var window: [Float]
        private var peaks: [Float]
        private var best: [Float]
        private var overs: [[Int]]
        private var position = 0
        public private(set) var frameCount = 0

        public init(meter: TruePeakMeter, channelCount: Int) {
            self.meter = meter
            let t = meter.interpolator.tapsPerPhase
            history = Array(repeating: [Float](repeating: 0, count: t - 1), count: channelCount)
            window = [Float](repeating: 0, count: t - 1 + TruePeakMeter.blockFrames)
            peaks = [Float](repeating: 0, count: TruePeakMeter.blockFrames)
            best = Array(repeating: 0, count: channelCount)
            overs = Array(repeating: [], count: channelCount)
        }

        /// Adds frames: one buffer per channel, all of the same length.
        public mutating func add(_ channels: [UnsafeBufferPointer<Float>]) {
            let n = channels[0].count
            var start = 0
            while start < n {
                let count = min(TruePeakMeter.blockFrames, n - start)
                for c in channels.indices { run(c, channels[c].baseAddress! + start, count: count) }
                position += count
                start += count
            }
            frameCount += n
        }

        /// The results per channel, once every frame is in: the filter's tail is flushed with zeros.
        public mutating func finish() -> [Result] {
            let t = meter.interpolator.tapsPerPhase
            let zeros = [Float](repeating: 0, count: t)
            zeros.withUnsafeBufferPointer { z in
                for c in history.indices { run(c, z.baseAddress!, count: t) }
            }
            position += t
            let delay = meter.interpolator.delayFrames, last = max(0, frameCount - 1)
            return history.indices.map { c in
                Result(truePeak: best[c], overFrames: overs[c].map { max(0, min(last, $0 - delay)) })
            }
        }

        /// One stretch of one channel: positions `position ..< position + count`.
        private mutating func run(_ c: Int, _ x: UnsafePointer<Float>, count: Int) {
            let t = meter.interpolator.tapsPerPhase
            let interpolator = meter.interpolator
            let gainBound = interpolator.gainBound
            var channelBest = best[c]
            var found: [Int] = []
            let base = position
            history[c].withUnsafeMutableBufferPointer { h in
                window.withUnsafeMutableBufferPointer { w in
                    peaks.withUnsafeMutableBufferPointer { out in
                        w.baseAddress!.update(from: h.baseAddress!, count: t - 1)
                        (w.baseAddress! + t - 1).update(from: x, count: count)
                        let samplePeak = TruePeakInterpolator.absMax(x, count: count)
                        channelBest = max(channelBest, samplePeak)
                        let bound = TruePeakInterpolator.absMax(UnsafePointer(w.baseAddress!), count: t - 1 + count) * gainBound
                        if bound > channelBest || bound > 1 {
                            interpolator.positionPeaks(UnsafePointer(w.baseAddress!), count: count, into: out.baseAddress!)
                            // The peaks are magnitudes: their largest is their largest magnitude (a vector kernel).
                            let top = TruePeakInterpolator.absMax(UnsafePointer(out.baseAddress!), count: count)
                            channelBest = max(channelBest, top)
                            if top > 1 { for n in 0..<count where out[n] > 1 { found.append(base + n) } }
                        }
                        h.baseAddress!.update(from: w.baseAddress! + count, count: t - 1)
                    }
                }
            }
            best[c] = channelBest
            if !found.isEmpty { overs[c].append(contentsOf: found) }
        }
    }
}
