import Foundation

/// The neutral tonal-balance target Headroom compares mixes with.
///
/// A piecewise-linear curve in dB over log frequency, for 1/3-octave band levels: flat from 40 Hz to
/// 120 Hz, −3.5 dB/octave to 2 kHz, −4.5 dB/octave to 16 kHz, steeper above, −8 dB at 20 Hz. It
/// approximates the long-term average spectrum of commercial pop and rock releases (in the spirit of
/// Pestana et al., "Spectral characteristics of popular commercial recordings 1950–2010", AES 135, 2013,
/// whose averages fall at roughly 3.5–5 dB per octave above the low end). It is a reference for broad
/// strokes (±3 dB regions), not a sound to copy: genres differ. The dev corpus (orchestral game music)
/// reads 4–8 dB lean in the lows and 3–7 dB forward in the mids against it.
public enum TonalTarget {
    public static let name = "Headroom neutral v1 (commercial-release average, after Pestana et al. 2013)"

    static let points: [(hz: Double, db: Double)] = [
        (20, -8), (40, 0), (120, 0), (2000, -3.5 * log2(2000.0 / 120)),
        (16000, -3.5 * log2(2000.0 / 120) - 4.5 * 3), (20000, -3.5 * log2(2000.0 / 120) - 4.5 * 3 - 4),
    ]

    /// Target level at `hz`.
    public static func levelDB(atHz hz: Double) -> Double {
        let f = min(max(hz, points.first!.hz), points.last!.hz)
        for i in 1..<points.count where f <= points[i].hz {
            let (f0, d0) = points[i - 1], (f1, d1) = points[i]
            let t = log2(f / f0) / log2(f1 / f0)
            return d0 + (d1 - d0) * t
        }
        return points.last!.db
    }

    /// Named regions for the checklist, as (name, low band index, high band index) into
    /// `SpectrumMeter.bandCentersHz`.
    public static let regions: [(name: String, bands: ClosedRange<Int>)] = [
        ("sub", 1...4),          // 25–50 Hz
        ("lows", 5...9),         // 63–160 Hz
        ("low mids", 10...14),   // 200–500 Hz
        ("mids", 15...19),       // 630–1600 Hz
        ("presence", 20...24),   // 2–5 kHz
        ("air", 25...29),        // 6.3–16 kHz
    ]

    /// Bands used to align a spectrum to the target (40 Hz–16 kHz).
    public static let alignmentBands = 3...29
}
