import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomTestSupport
import Testing

/// A master written block by block as it is rendered is the same file as one written whole.
@Suite struct AudioFileStreamTests {
    let song = AudioFileRoundTripTests.music()

    @Test(arguments: [AudioFileFormat(.wav, .int24), AudioFileFormat(.flac, .int16), AudioFileFormat(.wav, .float32)])
    func blocksGiveTheWholeFilesBytes(format: AudioFileFormat) throws {
        let folder = TempFolder()
        let ext = format.container.fileExtension
        try AudioFileWriter.write(song, to: folder.file("whole.\(ext)"), format: format, ditherSeed: 7)
        let t = OutputTransaction()
        let stream = try t.addAudioStream(to: folder.file("blocks.\(ext)"), format: format, sampleRate: song.sampleRate,
                                          channelCount: song.channelCount, ditherSeed: 7)
        var start = 0, k = 0
        let sizes = [4096, 1, 999, 40_000]
        while start < song.frameCount {
            let end = min(song.frameCount, start + sizes[k % sizes.count])
            try song.withChannelPointers(start..<end) { try stream.write($0) }
            start = end; k += 1
        }
        try stream.finish()
        try t.commit()
        let whole = try Data(contentsOf: URL(fileURLWithPath: folder.file("whole.\(ext)")))
        let blocks = try Data(contentsOf: URL(fileURLWithPath: folder.file("blocks.\(ext)")))
        #expect(whole == blocks)
        #expect(stream.framesWritten == song.frameCount)
    }

    /// A corrective pass writes the master again: the first attempt is discarded, the second lands alone.
    @Test func aDiscardedStreamLeavesNothingAndCanBeWrittenAgain() throws {
        let folder = TempFolder()
        let t = OutputTransaction()
        let first = try t.addAudioStream(to: folder.file("m.wav"), format: AudioFileFormat(.wav, .float32),
                                         sampleRate: song.sampleRate, channelCount: 2)
        try song.withChannelPointers(0..<1000) { try first.write($0) }
        t.discard(folder.file("m.wav"))
        #expect(folder.contents.isEmpty)
        let second = try t.addAudioStream(to: folder.file("m.wav"), format: AudioFileFormat(.wav, .float32),
                                          sampleRate: song.sampleRate, channelCount: 2)
        try song.withChannelPointers(0..<song.frameCount) { try second.write($0) }
        try second.finish()
        try t.commit()
        #expect(folder.contents == ["m.wav"])
        // Read back in windows (the codec check reads its excerpt so): the very samples written.
        let windows = try AudioFileReader.readWindows(path: folder.file("m.wav"), starts: [0, 5000], length: 300)
        #expect(windows.count == 2 && windows[1].frameCount == 300)
        #expect(windows[1].channels[1] == Array(song.channels[1][5000..<5300]))
        #expect(throws: AudioFileError.self) {
            _ = try AudioFileReader.readWindows(path: folder.file("m.wav"), starts: [song.frameCount - 10], length: 300)
        }
    }

    /// Read into memory, a file over the limit is refused; read block by block without keeping it (a long
    /// concert analyzed or mastered from its file), any length is read.
    @Test func onlyAReaderThatKeepsTheFileRefusesALongOne() throws {
        let folder = TempFolder()
        let path = folder.file("song.wav")
        try AudioFileWriter.write(song, to: path, format: AudioFileFormat(.wav, .int16))
        #expect {
            _ = try AudioFileReader.forEachBlock(path: path, maxDecodedBytes: 1 << 16) { _ in }
        } throws: { error in
            (error as? AudioFileError)?.kind == .tooLarge && "\(error)".contains("in memory")
        }
        var frames = 0
        let info = try AudioFileReader.forEachBlock(path: path) { frames += $0[0].count }
        #expect(frames == song.frameCount && info.frameCount == song.frameCount)
    }
}
