import Foundation

/// The real-music test corpus that `scripts/make-corpus.sh` builds (`make test` passes its folder in
/// `HEADROOM_CORPUS`). Corpus suites are enabled only when it is complete, so a machine that could not
/// build it reports them as skipped, never failed.
public enum Corpus {
    /// The six tracks, by name.
    public static let names = ["calmrace-ks", "credits1-cp", "freezingpoint", "spunkyrace-ks", "start1-jt", "race1-jt"]

    /// The corpus folder, when it is given and complete.
    public static let root: String? = {
        guard let root = ProcessInfo.processInfo.environment["HEADROOM_CORPUS"], !root.isEmpty,
              FileManager.default.fileExists(atPath: root + "/.complete") else { return nil }
        return root
    }()

    public static var isAvailable: Bool { root != nil }

    /// `premaster/NAME.wav`: the track turned down to a −6 dBFS sample peak.
    public static func premaster(_ name: String) -> String { "\(root ?? "")/premaster/\(name).wav" }
    /// `orig/NAME.wav`: the track as released.
    public static func original(_ name: String) -> String { "\(root ?? "")/orig/\(name).wav" }
}
