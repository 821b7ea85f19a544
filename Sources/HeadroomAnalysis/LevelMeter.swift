import Foundation
import HeadroomDSP

/// A run of consecutive samples at (or beyond) full scale in one channel.
public struct ClipRun: Codable, Sendable, Equatable {
    public var channel: Int
    public var startFrame: Int
    public var lengthFrames: Int
}

/// Sample-level statistics per channel and per 100 ms sub-block: peaks, RMS, DC, clipped runs.
///
/// Shaped like the loudness meter: `add` frames, then read the results. True peak is measured apart
/// (`TruePeakMeter`), because it only needs to look where the sample peaks are high.
public struct LevelMeter: Sendable {
    /// |x| at or above this counts as full scale (−0.004 dBFS: a 16-bit full-scale sample is −0.0003 dB).
    public static let fullScale: Float = 0.9995
    /// This many consecutive full-scale samples make a clipped run (one or two can be a legitimate peak).
    public static let minimumClipRunFrames = 3

    public let channelCount: Int
    public let subBlockFrames: Int

    /// Largest |x| per channel.
    public private(set) var samplePeak: [Float]
    /// Σx per channel (DC).
    public private(set) var sum: [Double]
    /// Σx² per channel.
    public private(set) var sumOfSquares: [Double]
    /// Frames added.
    public private(set) var frameCount = 0
    /// Σx² per channel per complete sub-block.
    public private(set) var subBlockSumOfSquares: [[Double]]
    /// Largest |x| per channel per complete sub-block.
    public private(set) var subBlockPeak: [[Float]]
    /// Clipped runs found so far (at most `maxRecordedRuns` kept; `clipRunCount` counts all).
    public private(set) var clipRuns: [ClipRun] = []
    public private(set) var clipRunCount = 0
    public private(set) var clippedFrameCount = 0
    public static let maxRecordedRuns = 1000

    private var runLength: [Int]
    private var partialFrames = 0
    private var partialSquares: [Double]
    private var partialPeak: [Float]

    public init(channelCount: Int, subBlockFrames: Int) {
        self.channelCount = channelCount
        self.subBlockFrames = subBlockFrames
        samplePeak = Array(repeating: 0, count: channelCount)
        sum = Array(repeating: 0, count: channelCount)
        sumOfSquares = Array(repeating: 0, count: channelCount)
        subBlockSumOfSquares = Array(repeating: [], count: channelCount)
        subBlockPeak = Array(repeating: [], count: channelCount)
        runLength = Array(repeating: 0, count: channelCount)
        partialSquares = Array(repeating: 0, count: channelCount)
        partialPeak = Array(repeating: 0, count: channelCount)
    }

    /// Adds frames: one buffer per channel, all of the same length.
    public mutating func add(_ channels: [UnsafeBufferPointer<Float>]) {
        let frames = channels[0].count
        var offset = 0
        while offset < frames {
            let n = min(frames - offset, subBlockFrames - partialFrames)
            for c in 0..<channelCount {
                let src = channels[c]
                var s = 0.0, s2 = 0.0
                var peak: Float = 0
                var run = runLength[c]
                let full = Self.fullScale
                // Four samples at a time while no clip run is open and none of the four is at full scale
                // (four independent sums, so the additions do not wait on each other); else one by one.
                var sums = SIMD4<Double>(), squares = SIMD4<Double>()
                var i = offset
                let end = offset + n
                while i < end {
                    if run == 0 && i + 4 <= end {
                        let a0 = abs(src[i]), a1 = abs(src[i + 1]), a2 = abs(src[i + 2]), a3 = abs(src[i + 3])
                        let m = max(max(a0, a1), max(a2, a3))
                        if m < full {
                            let d = SIMD4<Double>(Double(src[i]), Double(src[i + 1]), Double(src[i + 2]), Double(src[i + 3]))
                            sums += d
                            squares = d * d + squares
                            peak = max(peak, m)
                            i += 4
                            continue
                        }
                    }
                    let x = src[i]
                    let d = Double(x)
                    s += d
                    s2 += d * d
                    let a = abs(x)
                    peak = max(peak, a)
                    if a >= full {
                        run += 1
                    } else if run > 0 {
                        if run >= Self.minimumClipRunFrames { recordRun(channel: c, endFrame: frameCount + i, length: run) }
                        run = 0
                    }
                    i += 1
                }
                s += sums.sum()
                s2 += squares.sum()
                runLength[c] = run
                sum[c] += s
                sumOfSquares[c] += s2
                partialSquares[c] += s2
                partialPeak[c] = max(partialPeak[c], peak)
                samplePeak[c] = max(samplePeak[c], peak)
            }
            partialFrames += n
            offset += n
            if partialFrames == subBlockFrames {
                for c in 0..<channelCount {
                    subBlockSumOfSquares[c].append(partialSquares[c])
                    subBlockPeak[c].append(partialPeak[c])
                    partialSquares[c] = 0
                    partialPeak[c] = 0
                }
                partialFrames = 0
            }
        }
        frameCount += frames
    }

    /// Closes runs still open at the end of the signal. Call once after the last `add`.
    public mutating func finish() {
        for c in 0..<channelCount where runLength[c] >= Self.minimumClipRunFrames {
            recordRun(channel: c, endFrame: frameCount, length: runLength[c])
            runLength[c] = 0
        }
        clipRuns.sort { ($0.startFrame, $0.channel) < ($1.startFrame, $1.channel) }
    }

    private mutating func recordRun(channel: Int, endFrame: Int, length: Int) {
        clipRunCount += 1
        clippedFrameCount += length
        if clipRuns.count < Self.maxRecordedRuns {
            clipRuns.append(ClipRun(channel: channel, startFrame: endFrame - length, lengthFrames: length))
        }
    }

    /// RMS of one channel (√(mean x²)).
    public func rms(channel c: Int) -> Double {
        frameCount > 0 ? (sumOfSquares[c] / Double(frameCount)).squareRoot() : 0
    }

    /// DC offset (mean) of one channel.
    public func dcOffset(channel c: Int) -> Double { frameCount > 0 ? sum[c] / Double(frameCount) : 0 }
}
