/// A loudness target: integrated loudness and true-peak ceiling.
public struct LoudnessTarget: Codable, Sendable, Equatable {
    public var name: String
    public var integratedLUFS: Double
    public var ceilingDBTP: Double

    public init(name: String, integratedLUFS: Double, ceilingDBTP: Double) {
        self.name = name; self.integratedLUFS = integratedLUFS; self.ceilingDBTP = ceilingDBTP
    }

    /// The presets (PRODUCT.md): streaming platforms' normalization levels and ceilings.
    public static let presets: [String: LoudnessTarget] = [
        "spotify": .init(name: "spotify", integratedLUFS: -14, ceilingDBTP: -1),
        "apple": .init(name: "apple", integratedLUFS: -16, ceilingDBTP: -1),
        "youtube": .init(name: "youtube", integratedLUFS: -14, ceilingDBTP: -1),
        "tidal": .init(name: "tidal", integratedLUFS: -14, ceilingDBTP: -1),
        "amazon": .init(name: "amazon", integratedLUFS: -14, ceilingDBTP: -2),
        "deezer": .init(name: "deezer", integratedLUFS: -15, ceilingDBTP: -1),
        "ebu-r128": .init(name: "ebu-r128", integratedLUFS: -23, ceilingDBTP: -1),
        "loud": .init(name: "loud", integratedLUFS: -9, ceilingDBTP: -0.3),
    ]

    /// Preset names in a stable order.
    public static let presetNames = ["spotify", "apple", "youtube", "tidal", "amazon", "deezer", "ebu-r128", "loud"]
}
