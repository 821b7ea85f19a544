import Foundation
import HeadroomDSP

/// The BS.1770-4 K-weighting filter (a high shelf of about +4 dB above 1.5 kHz, then a 38 Hz
/// high-pass), designed from the analog prototype at the actual sample rate by the bilinear transform
/// (as libebur128 does: the coefficient table in the standard holds for 48 kHz only).
public enum KWeighting {
    /// The pre-filter (high shelf).
    public static func shelf(sampleRate: Double) -> BiquadCoefficients {
        let f0 = 1681.974450955533, gainDB = 3.999843853973347, q = 0.7071752369554196
        let k = tan(Double.pi * f0 / sampleRate)
        let vh = pow(10, gainDB / 20)
        let vb = pow(vh, 0.4996667741545416)
        let a0 = 1 + k / q + k * k
        return BiquadCoefficients(
            b0: (vh + vb * k / q + k * k) / a0,
            b1: 2 * (k * k - vh) / a0,
            b2: (vh - vb * k / q + k * k) / a0,
            a1: 2 * (k * k - 1) / a0,
            a2: (1 - k / q + k * k) / a0)
    }

    /// The RLB high-pass.
    public static func highPass(sampleRate: Double) -> BiquadCoefficients {
        let f0 = 38.13547087602444, q = 0.5003270373238773
        let k = tan(Double.pi * f0 / sampleRate)
        let a0 = 1 + k / q + k * k
        return BiquadCoefficients(b0: 1, b1: -2, b2: 1, a1: 2 * (k * k - 1) / a0, a2: (1 - k / q + k * k) / a0)
    }

    /// The power gain of the whole K-weighting (shelf and high-pass) at `hz`: how much a component at
    /// that frequency counts towards loudness.
    public static func powerGain(atHz hz: Double, sampleRate: Double) -> Double {
        Decibels.toPower(shelf(sampleRate: sampleRate).magnitudeDB(atHz: hz, sampleRate: sampleRate)
            + highPass(sampleRate: sampleRate).magnitudeDB(atHz: hz, sampleRate: sampleRate))
    }
}
