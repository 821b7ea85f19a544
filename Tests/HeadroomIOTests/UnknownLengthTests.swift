import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomTestSupport
import Testing

/// A WAV written to a pipe (ffmpeg, sox) cannot go back to fill in its lengths: its header says 0xFFFFFFFF.
/// It holds what it holds; it is read whole, not refused as truncated.
@Suite struct UnknownLengthTests {
    @Test func aWavWithAnUnknownLengthIsReadWhole() throws {
        let folder = TempFolder()
        let song = AudioFileRoundTripTests.music()
        let path = folder.file("piped.wav")
        try AudioFileWriter.write(song, to: path, format: AudioFileFormat(.wav, .int16))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func patch(_ at: Int) { for k in 0..<4 { bytes[at + k] = 0xFF } }
        patch(4)  // the RIFF chunk's size
        var i = 12
        while i + 8 <= bytes.count {
            let id = String(decoding: bytes[i..<(i + 4)], as: UTF8.self)
            let size = Int(bytes[i + 4]) | Int(bytes[i + 5]) << 8 | Int(bytes[i + 6]) << 16 | Int(bytes[i + 7]) << 24
            if id == "data" { patch(i + 4); break }
            i += 8 + size + size % 2
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let (read, info) = try AudioFileReader.read(path: path)
        #expect(info.frameCount == song.frameCount)
        #expect(read.frameCount == song.frameCount)
    }
}
