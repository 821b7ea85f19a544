import Foundation
import HeadroomTestSupport
import Testing

/// The terminal reports' layout, line by line, against stored snapshots: headings, row names, column
/// positions, wrapping and the order of the sections. Digits are masked ("9"), so a change of a figure
/// (a tenth of a dB between CPUs' kernels) does not fail a snapshot, but any change of the layout does.
/// After an intended change: `HEADROOM_UPDATE_SNAPSHOTS=1 swift test -c release --filter LayoutSnapshotTests`,
/// then read the diff of `Tests/HeadroomCLITests/Snapshots/`.
@Suite struct LayoutSnapshotTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// Digits → 9 and the temporary folder → `DIR`, keeping every column where it is.
    static func mask(_ text: String, folder: TempFolder) -> String {
        let named = text.replacingOccurrences(of: folder.path, with: "DIR")
        return String(named.map { $0.isASCII && $0.isNumber ? "9" : $0 })
    }

    static func expectMatches(_ name: String, _ output: String, folder: TempFolder) throws {
        let actual = mask(output, folder: folder)
        let file = Self.folder.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["HEADROOM_UPDATE_SNAPSHOTS"] != nil {
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
        if let i = a.indices.first(where: { $0 < e.count && a[$0] != e[$0] }) ?? (a.count != e.count ? min(a.count, e.count) : nil) {
            Issue.record("""
                \(name): layout differs from Snapshots/\(name).txt at line \(i + 1)
                expected: \(i < e.count ? e[i] : "(end)")
                actual:   \(i < a.count ? a[i] : "(end)")
                """)
        }
    }

    @Test func master() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let r = try CLI.run(["master", mix, "--codecs", "mp3"])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.expectMatches("master", r.stdout, folder: folder)
    }

    /// `--verbose`: every reason, and the translation in full (speakers, platforms, codecs).
    @Test func masterVerbose() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let r = try CLI.run(["master", mix, "--codecs", "mp3", "--verbose"])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.expectMatches("master-verbose", r.stdout, folder: folder)
    }

    @Test func analyze() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let r = try CLI.run(["analyze", mix])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.expectMatches("analyze", r.stdout, folder: folder)
    }

    @Test func check() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let r = try CLI.run(["check", mix, "--codecs", "mp3"])
        #expect([0, 3].contains(r.status), "\(r.stderr)")
        try Self.expectMatches("check", r.stdout, folder: folder)
    }
}
