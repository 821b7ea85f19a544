import Foundation
import HeadroomAnalysis
import HeadroomDSP

/// Fits the gains of a fixed set of minimum-phase filters (RBJ shelves and bells) to a target curve given
/// at 1/3-octave band centres: regularized least squares on the filters' dB responses, refined with the
/// exact responses, each gain bounded, with a penalty on neighbouring filters' differences so the curve
/// stays smooth. The tonal layout has a bell on every 1/3-octave band the comparison measures, so the fit
/// can follow what the distance is measured on, and nothing narrower.
public enum EQFit {
    /// The tonal-match filter set: a low shelf at 40 Hz, a bell on every 1/3-octave band from 50 Hz to
    /// 12.5 kHz (Q 4.3 spans 1/3 octave), a high shelf at 14 kHz.
    public static let tonalLayout: [EQBand] = {
        var bands = [EQBand(kind: .lowShelf, frequencyHz: 40, gainDB: 0)]
        for f in SpectrumMeter.bandCentersHz where f >= 50 && f <= 12_500 {
            bands.append(EQBand(kind: .bell, frequencyHz: f, gainDB: 0, q: 4.3))
        }
        bands.append(EQBand(kind: .highShelf, frequencyHz: 14000, gainDB: 0))
        return bands
    }()

    /// The width-match filter set for the side signal, one filter per width band.
    public static let widthLayout: [EQBand] = [
        EQBand(kind: .lowShelf, frequencyHz: 150, gainDB: 0), EQBand(kind: .bell, frequencyHz: 300, gainDB: 0, q: 1.0),
        EQBand(kind: .bell, frequencyHz: 1200, gainDB: 0, q: 0.8), EQBand(kind: .bell, frequencyHz: 4500, gainDB: 0, q: 0.9),
        EQBand(kind: .highShelf, frequencyHz: 8000, gainDB: 0),
    ]

    /// The summed dB response of `bands` at `hz`.
    public static func responseDB(_ bands: [EQBand], atHz hz: Double, sampleRate: Double) -> Double {
        bands.reduce(0) { $0 + $1.coefficients(sampleRate: sampleRate).magnitudeDB(atHz: hz, sampleRate: sampleRate) }
    }

    /// Gains for `layout` so its response follows `targetDB` at `frequenciesHz` (both the same length),
    /// each within ±`maxGainDB`. Gains are rounded to 0.1 dB; filters left at 0 dB are dropped.
    public static func fit(layout: [EQBand], targetDB: [Double], frequenciesHz: [Double], sampleRate: Double,
                           maxGainDB: Double, smoothness: Double = 0.3) -> [EQBand] {
        let points = frequenciesHz.indices.filter { frequenciesHz[$0] < sampleRate * 0.45 }
        let k = layout.count
        guard !points.isEmpty, k > 0 else { return [] }
        // Each filter's response per dB of gain, at a small gain (responses in dB are nearly linear in it).
        let probe = 1.0
        let unit: [[Double]] = layout.map { band in
            var b = band
            b.gainDB = probe
            return points.map { b.coefficients(sampleRate: sampleRate).magnitudeDB(atHz: frequenciesHz[$0], sampleRate: sampleRate) / probe }
        }
        var gains = [Double](repeating: 0, count: k)
        // Regularization: a little on each gain, more on the difference of neighbouring filters' gains, so
        // the fit is a smooth curve rather than alternating boosts and cuts.
        let ridge = 0.02 * Double(points.count) / Double(k)
        let smooth = smoothness * Double(points.count) / Double(k)
        for _ in 0..<5 {
            var bands = layout
            for i in 0..<k { bands[i].gainDB = gains[i] }
            let residual = points.map { targetDB[$0] - responseDB(bands, atHz: frequenciesHz[$0], sampleRate: sampleRate) }
            // (JᵀJ + λI) Δ = Jᵀ r
            var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            var rhs = [Double](repeating: 0, count: k)
            for i in 0..<k {
                for j in 0..<k { a[i][j] = zip(unit[i], unit[j]).reduce(0) { $0 + $1.0 * $1.1 } }
                a[i][i] += ridge
                rhs[i] = zip(unit[i], residual).reduce(0) { $0 + $1.0 * $1.1 }
            }
            // λ·Σ (g[i+1] − g[i])², applied to the total gains: its gradient enters both sides.
            for i in 0..<(k - 1) {
                a[i][i] += smooth; a[i + 1][i + 1] += smooth
                a[i][i + 1] -= smooth; a[i + 1][i] -= smooth
                let d = gains[i + 1] - gains[i]
                rhs[i] += smooth * d; rhs[i + 1] -= smooth * d
            }
            guard let delta = solve(a, rhs) else { break }
            for i in 0..<k { gains[i] = max(-maxGainDB, min(maxGainDB, gains[i] + delta[i])) }
        }
        var out: [EQBand] = []
        for i in 0..<k {
            let g = (gains[i] * 10).rounded() / 10
            if g != 0 { var b = layout[i]; b.gainDB = g; out.append(b) }
        }
        return out
    }

    /// Gaussian elimination with partial pivoting; nil for a singular system.
    static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double]? {
        var a = matrix, b = vector
        let n = b.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-12 else { return nil }
            a.swapAt(col, pivot); b.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = a[row][col] / a[col][col]
                if f == 0 { continue }
                for j in col..<n { a[row][j] -= f * a[col][j] }
                b[row] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = b[row]
            for j in (row + 1)..<n { s -= a[row][j] * x[j] }
            x[row] = s / a[row][row]
        }
        return x
    }
}
