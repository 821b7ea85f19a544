import Foundation

/// Conversions between linear values and decibels.
///
/// Reports use a floor of `Decibels.floorDB` (−200 dB) for digital silence so that every value is a finite
/// number in JSON.
public enum Decibels {
    /// The value reported for digital silence.
    public static let floorDB: Double = -200

    /// 20·log10(amplitude), floored at `floorDB`.
    @inlinable public static func fromAmplitude(_ amplitude: Double) -> Double {
        amplitude > 1e-10 ? 20 * log10(amplitude) : floorDB
    }

    /// 10·log10(power), floored at `floorDB`.
    @inlinable public static func fromPower(_ power: Double) -> Double {
        power > 1e-20 ? 10 * log10(power) : floorDB
    }

    /// 10^(dB/20).
    @inlinable public static func toAmplitude(_ decibels: Double) -> Double {
        pow(10, decibels / 20)
    }

    /// 10^(dB/10); 0 at or below the floor.
    @inlinable public static func toPower(_ decibels: Double) -> Double {
        decibels <= floorDB ? 0 : pow(10, decibels / 10)
    }
}
