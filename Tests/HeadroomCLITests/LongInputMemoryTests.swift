import Foundation
import HeadroomDSP
import HeadroomIO
import HeadroomTestSupport
import Testing

/// A DJ mix or a concert recording is a real input: commands that only measure read it block by block, so
/// their memory does not grow with its length.
@Suite struct LongInputMemoryTests {
    /// Ten minutes of 16-bit stereo (212 MiB once decoded to floats), written block by block: a tone over
    /// noise whose level changes every 40 s, so the song has sections.
    static func writeLong(_ folder: TempFolder, minutes: Double = 10, name: String = "long.wav") throws -> String {
        let path = folder.file(name), rate = 44_100.0
        let t = OutputTransaction()
        let stream = try t.addAudioStream(to: path, format: AudioFileFormat(.wav, .int16), sampleRate: rate, channelCount: 2)
        var rng = SplitMix64(seed: 11)
        let block = 1 << 16, total = Int(minutes * 60 * rate)
        var l = [Float](repeating: 0, count: block), r = l
        var start = 0
        while start < total {
            let n = min(block, total - start)
            for i in 0..<n {
                let level: Float = (start + i) / Int(40 * rate) % 2 == 0 ? 0.3 : 0.1
                let s = Float(sin(2 * Double.pi * 110 * Double(start + i) / rate)) * level
                l[i] = s + rng.nextSignedUnit() * 0.05
                r[i] = s * 0.8 + rng.nextSignedUnit() * 0.05
            }
            try AudioBuffer.withPointers([l, r], 0..<n) { try stream.write($0) }
            start += n
        }
        try stream.finish()
        try t.commit()
        return path
    }

    @Test func analyzeAndCheckStayFarUnderTheDecodedSize() throws {
        let folder = TempFolder()
        let long = try Self.writeLong(folder)
        let decodedMiB = 10.0 * 60 * 44_100 * 2 * 4 / 1_048_576
        for arguments in [["analyze", long, "--json"], ["check", long, "--codecs", "none", "-q"]] {
            let (status, peak) = try CLI.peakMemory(arguments)
            #expect(status == 0, "\(arguments)")
            // Measured: about 35 MiB for either (the whole file would be over 212 MiB).
            #expect(peak < 100, "\(arguments[0]): \(peak) MiB peak for \(decodedMiB) MiB of audio")
        }
        // `master` holds the mix once (the chain runs in its memory), the limiter's detector (half of it) and
        // its loudest section: about 1.8x (368 MiB for 202 MiB, sox-made). A render that copied the mix: 2.5x.
        let (status, peak) = try CLI.peakMemory(["master", long, "-o", folder.file("long.master.wav"), "--codecs", "none", "-q"])
        #expect(status == 0)
        #expect(peak < 2 * decodedMiB, "master: \(peak) MiB peak for \(decodedMiB) MiB of audio")
        // Read from its file for every pass (as a mix over --in-memory-mib is): the mix is never held, and
        // memory does not grow with its length. Measured: about 45 MiB (an hour-long mix: about 85 MiB).
        let fromFile = folder.file("long.file.wav")
        let (fileStatus, filePeak) = try CLI.peakMemory(["master", long, "-o", fromFile, "--codecs", "none", "-q", "--in-memory-mib", "64"])
        #expect(fileStatus == 0)
        #expect(filePeak < 100, "master from the file: \(filePeak) MiB peak for \(decodedMiB) MiB of audio")
        // The same master, byte for byte, as the one rendered in memory.
        let inMemory = try Data(contentsOf: URL(fileURLWithPath: folder.file("long.master.wav")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fromFile)) == inMemory)
        // A reference match renders twice: the first render works in the mix's memory, the master is
        // rendered from the file read again, and the match's sections are measured as they stream by; the
        // reference (here as long as the mix) is measured as it is read, never held. Measured on a 9:46 song
        // with a 4:53 reference: 1.7x (the mix, the limiter's curve); before, with a copy of the mix, the
        // sections and the reference kept: 3.2x.
        // (A copy: the mix itself is refused as its own reference.)
        let reference = folder.file("reference.wav")
        try FileManager.default.copyItem(atPath: long, toPath: reference)
        let (refStatus, refPeak) = try CLI.peakMemory(["master", long, "--reference", reference, "-o", folder.file("long.ref.wav"),
                                                      "--codecs", "none", "-q"])
        #expect(refStatus == 0)
        #expect(refPeak < 2 * decodedMiB, "master --reference: \(refPeak) MiB peak for \(decodedMiB) MiB of audio")
        // An album track is read, analyzed and profiled as it is read, then mastered like `master` (streamed,
        // its loud part measured as the master is written). Measured on a 4:53 track: 1.8x (183 MiB); before,
        // 4.5x (the master and the chain's output kept, the mix copied).
        let (albumStatus, albumPeak) = try CLI.peakMemory(["album", long, "-o", folder.file("album"), "-q"])
        #expect(albumStatus == 0)
        #expect(albumPeak < 2 * decodedMiB, "album: \(albumPeak) MiB peak for \(decodedMiB) MiB of audio")
    }
}
