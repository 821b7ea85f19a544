import Foundation

/// A fresh folder under /tmp for one test, removed when the value goes away.
public final class TempFolder {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "headroom-test-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Names in the folder (to prove no partial file was left).
    public var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }
}

/// A tiny tmpfs mounted for one test, to simulate a full disk (needs root). Unmounted when released.
public final class TinyDisk {
    public let path: String
    /// Kept so the folder outlives the mount (it is removed after the unmount).
    private let folder: TempFolder
    /// Whether this machine lets the tests mount a tmpfs (root, and a sandbox that allows it): probed once.
    public static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let folder = TempFolder()
        guard let disk = try? TinyDisk(in: folder, size: "16k") else { return false }
        _ = disk
        return true
    }()

    /// Mounts `size` (e.g. "64k") at a new folder inside `folder`.
    public init(in folder: TempFolder, size: String) throws {
        self.folder = folder
        path = folder.file("tiny-disk")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
    }

    deinit { try? Self.run("/bin/umount", [path]) }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "TinyDisk", code: Int(p.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(tool) failed"])
        }
    }
}
