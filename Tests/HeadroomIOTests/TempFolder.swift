import Foundation

/// A fresh folder under /tmp, removed when the test's value goes away.
final class TempFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "headroom-io-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
    /// Names in the folder (to prove no partial file was left).
    var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }
}
