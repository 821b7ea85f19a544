import Foundation
import HeadroomTestSupport
import Testing

/// From an outside-in trial: sessions re-rendered from another folder, renders started under nohup.
@Suite struct RobustnessTests {
    /// A session records its mix's path as it was given; re-rendered from elsewhere, the mix is found
    /// beside the session. A mix that is nowhere is an error, not the demo mix.
    @Test func aSessionFindsItsMixBesideItOrSaysItIsMissing() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let name = (mix as NSString).lastPathComponent
        #expect(try CLI.run(["master", name, "-q", "-o", "a.wav"], in: folder.path).status == 0)
        let session = folder.file("a.wav.headroom.json")
        let again = try CLI.run(["master", "-q", "--session", session, "-o", folder.file("b.wav")], in: "/")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try MasterCommandTests.data(folder.file("a.wav")) == MasterCommandTests.data(folder.file("b.wav")))
        var object = try JSONSerialization.jsonObject(with: MasterCommandTests.data(session)) as! [String: Any]
        var input = object["input"] as! [String: Any]
        input["path"] = "gone.wav"
        object["input"] = input
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: folder.file("gone.json")))
        let missing = try CLI.run(["master", "-q", "--session", folder.file("gone.json"), "-o", folder.file("c.wav")])
        #expect(missing.status == 1 && missing.stderr.contains("its mix gone.wav is not there"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("c.wav")))
    }

    /// `nohup headroom master …` survives the terminal closing: a signal ignored when Headroom starts
    /// stays ignored.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nohup")))
    func aRenderUnderNohupSurvivesAHangUp() throws {
        let folder = TempFolder()
        let mix = try MasterCommandTests.writeSong(folder)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nohup")
        process.arguments = [CLI.executable.path, "master", mix, "-q", "-o", folder.file("h.wav")]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.3)
        kill(process.processIdentifier, SIGHUP)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: folder.file("h.wav")))
        #expect(FileManager.default.fileExists(atPath: folder.file("h.wav.headroom.json")))
    }
}
