import Foundation
import HeadroomIO
import HeadroomTestSupport
import Testing

/// The fuzz target's seeds and every input it found a problem with (`Fuzz/Seeds/audio/regression-*`) are
/// read on every test run, outside the fuzzer: each is refused with a one-line `AudioFileError` or reads
/// to finite samples within the reader's promise.
@Suite struct FuzzCorpusTests {
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/Seeds/audio").standardizedFileURL.path

    @Test func everySeedAndRegressionReadsOrIsRefused() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.seeds).sorted()
        #expect(names.contains { $0.hasPrefix("regression-") })
        #expect(names.count >= 9)
        let folder = TempFolder()
        let extensions = ["wav", "flac", "aiff", "ogg", "opus", "mp3"]
        for name in names {
            // As the target does: the first byte names the extension, the rest is the file.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.seeds + "/" + name))
            let path = folder.file("\(name).\(extensions[Int(bytes[0]) % extensions.count])")
            try bytes.dropFirst().write(to: URL(fileURLWithPath: path))
            do {
                let buffer = try AudioFileReader.read(path: path).buffer
                #expect(!name.hasPrefix("regression-") || buffer.frameCount > 0)
                #expect(buffer.channels.allSatisfy { $0.allSatisfy { $0.isFinite && abs($0) <= 16 } }, "\(name)")
                if !name.hasPrefix("regression-") { #expect(buffer.durationSeconds > 0.05, "\(name)") }
            } catch let error as AudioFileError {
                #expect(name.hasPrefix("regression-"), "a seed was refused: \(name): \(error)")
                #expect(!error.description.contains("\n"))
            }
        }
    }
}
