import HeadroomDSP
import HeadroomPlots
import HeadroomSignals
import Testing

/// The waveform summary fed block by block (a file as it is read) is the one scanned from the whole song.
@Suite struct WaveformSummaryTests {
    /// Column k: the lowest and highest sample of either channel in frames k·n/cols ..< (k+1)·n/cols.
    static func reference(_ audio: AudioBuffer, columns: Int) -> ([Float], [Float]) {
        let n = audio.frameCount, cols = max(1, min(columns, n))
        var lo = [Float](repeating: 0, count: cols), hi = lo
        for k in 0..<cols {
            for c in audio.channels { for x in c[(k * n / cols)..<((k + 1) * n / cols)] { lo[k] = min(lo[k], x); hi[k] = max(hi[k], x) } }
        }
        return (lo, hi)
    }

    @Test(arguments: [1200, 7, 5000])
    func blocksGiveTheWholeSongsColumns(columns: Int) {
        let l = Signals.pinkNoise(rmsDBFS: -14, count: 4321, seed: 9)
        let audio = AudioBuffer(sampleRate: 44_100, channels: [l, l.map { -0.5 * $0 }])
        var builder = WaveformSummary.Builder(frameCount: audio.frameCount, sampleRate: audio.sampleRate, columns: columns)
        var start = 0, k = 0
        let sizes = [1, 100, 7, 1000]
        while start < audio.frameCount {
            let end = min(audio.frameCount, start + sizes[k % sizes.count])
            audio.withChannelPointers(start..<end) { builder.add($0) }
            start = end; k += 1
        }
        let (lo, hi) = Self.reference(audio, columns: columns)
        #expect(builder.summary.minimum == lo && builder.summary.maximum == hi)
        #expect(WaveformSummary.make(audio, columns: columns) == builder.summary)
        #expect(builder.summary.minimum.count == min(columns, audio.frameCount))
    }
}
