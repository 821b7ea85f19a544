import Foundation
import HeadroomDSP

/// Finds the compressor threshold that gives a wanted mean gain reduction on a stretch of audio
/// (the loudest section), from the detector's levels and the static curve.
public enum CompressorCalibration {
    /// Detector levels (dB, the compressor's own RMS detector) every control interval over `range`.
    public static func detectorLevels(_ audio: some AudioSource, range: Range<Int>, settings: CompressorSettings) -> [Double] {
        let alpha = 1 - exp(-1 / (settings.detectorMilliseconds * audio.sampleRate / 1000))
        let interval = GlueCompressorStage.controlInterval
        var power = 0.0, position = 0
        var levels: [Double] = []
        levels.reserveCapacity(range.count / interval + 1)
        audio.forEachBlock(range) { ch in Denormals.flushed {
            var p = power, at = position  // the recursion in locals
            for i in 0..<ch[0].count {
                var x = Double(ch[0][i]) * Double(ch[0][i])
                if ch.count > 1 { x = max(x, Double(ch[1][i]) * Double(ch[1][i])) }
                p += (x - p) * alpha
                if at % interval == 0 { levels.append(p > 1e-20 ? 10 * log10(p) + 3.01 : -200) }
                at += 1
            }
            (power, position) = (p, at)
        } }
        return levels
    }

    /// The threshold (dBFS) for `meanReductionDB` of static gain reduction, by bisection.
    public static func threshold(for audio: some AudioSource, range: Range<Int>, settings: CompressorSettings,
                                 meanReductionDB: Double) -> Double {
        let levels = detectorLevels(audio, range: range, settings: settings).filter { $0 > -100 }
        guard !levels.isEmpty else { return 0 }
        func mean(_ threshold: Double) -> Double {
            var s = settings
            s.thresholdDB = threshold
            return levels.reduce(0) { $0 + GlueCompressorStage.reductionDB(levelDB: $1, settings: s) } / Double(levels.count)
        }
        var lo = -80.0, hi = 0.0  // reduction falls as the threshold rises
        for _ in 0..<40 {
            let mid = (lo + hi) / 2
            if mean(mid) > meanReductionDB { lo = mid } else { hi = mid }
        }
        return ((lo + hi) / 2 * 10).rounded() / 10
    }
}
