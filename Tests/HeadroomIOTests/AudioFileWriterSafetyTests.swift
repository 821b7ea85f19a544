import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomSignals
import HeadroomTestSupport
import Testing

@Suite struct AudioFileWriterSafetyTests {
    let song = AudioFileRoundTripTests.music()

    func writeError(_ body: () throws -> Void) -> AudioFileError.Kind? {
        do { try body(); return nil } catch let e as AudioFileError { return e.kind } catch { return nil }
    }

    @Test func neverOverwritesTheInput() throws {
        let folder = TempFolder()
        let input = folder.file("mix.wav")
        try AudioFileWriter.write(song, to: input, format: AudioFileFormat(.wav, .int24))
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        // Same path, a path spelled differently, and a symlink to it: all refused, even with overwrite.
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.wav"), withDestinationPath: input)
        for target in [input, folder.path + "/./mix.wav", folder.file("link.wav")] {
            #expect(writeError {
                try AudioFileWriter.write(song, to: target, format: AudioFileFormat(.wav, .int16), existing: .overwrite,
                                          protecting: [input])
            } == .sameAsInput)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
    }

    @Test func keepsExistingFilesUnlessToldOtherwise() throws {
        let folder = TempFolder()
        let out = folder.file("master.wav")
        try AudioFileWriter.write(song, to: out, format: AudioFileFormat(.wav, .int24))
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(writeError { try AudioFileWriter.write(song, to: out, format: AudioFileFormat(.wav, .int16)) } == .exists)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
        try AudioFileWriter.write(song, to: out, format: AudioFileFormat(.wav, .int16), existing: .overwrite)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) != before)
        #expect(folder.contents == ["master.wav"])
    }

    @Test func unwritablePlacesFailCleanly() throws {
        #expect(writeError { try AudioFileWriter.write(song, to: "/nonexistent-folder/x.wav", format: AudioFileFormat(.wav)) } == .unwritable)
        #expect(writeError { try AudioFileWriter.write(song, to: "/proc/headroom-test.wav", format: AudioFileFormat(.wav)) } == .unwritable)
        let folder = TempFolder()
        #expect(writeError { try AudioFileWriter.write(song, to: folder.path, format: AudioFileFormat(.wav)) } == .unwritable)
        #expect(writeError { try AudioFileWriter.write(song, to: folder.file("x.flac"), format: AudioFileFormat(.flac, .float32)) } == .unsupportedFormat)
        #expect(folder.contents.isEmpty)
    }

    @Test(.enabled(if: TinyDisk.canMount, "needs root to mount a tiny tmpfs"))
    func aFullDiskLeavesNoPartialFile() throws {
        let folder = TempFolder()
        let disk = try TinyDisk(in: folder, size: "64k")
        // 2 s of 24-bit stereo is ~530 kB: it cannot fit in 64 kB.
        let kind = writeError {
            try AudioFileWriter.write(song, to: disk.path + "/master.wav", format: AudioFileFormat(.wav, .int24))
        }
        #expect(kind == .writeFailed || kind == .unwritable)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path).isEmpty)
    }
}
