import Foundation

/// How a streaming platform normalizes loudness on playback — Headroom's model of each, from the
/// platforms' published behaviour (which changes: treat the figures as a guide).
public struct Platform: Sendable, Equatable {
    public var name: String
    /// The integrated loudness the platform plays tracks at.
    public var referenceLUFS: Double
    /// Whether quieter tracks are turned up (else only louder ones are turned down).
    public var turnsUp: Bool
    /// When turning up, the gain stops where the true peak would pass this (no limiter is applied).
    public var turnUpPeakLimitDBTP: Double

    public static let all: [Platform] = [
        Platform(name: "Spotify", referenceLUFS: -14, turnsUp: true, turnUpPeakLimitDBTP: -1),
        Platform(name: "Apple Music", referenceLUFS: -16, turnsUp: true, turnUpPeakLimitDBTP: -1),
        Platform(name: "YouTube", referenceLUFS: -14, turnsUp: false, turnUpPeakLimitDBTP: 0),
        Platform(name: "Tidal", referenceLUFS: -14, turnsUp: false, turnUpPeakLimitDBTP: 0),
        Platform(name: "Amazon Music", referenceLUFS: -14, turnsUp: false, turnUpPeakLimitDBTP: 0),
        Platform(name: "Deezer", referenceLUFS: -15, turnsUp: false, turnUpPeakLimitDBTP: 0),
    ]

    /// The playback gain for a track of `integratedLUFS` with true peak `truePeakDBTP`.
    public func gainDB(integratedLUFS: Double, truePeakDBTP: Double) -> Double {
        let full = referenceLUFS - integratedLUFS
        if full <= 0 { return full }
        guard turnsUp else { return 0 }
        return max(0, min(full, turnUpPeakLimitDBTP - truePeakDBTP))
    }
}
