import HeadroomAnalysis
import HeadroomDSP
import HeadroomSignals
import Testing

/// A meter fed a stream of blocks measures what it measures of the whole buffer, bit for bit, however the
/// frames are split: its sums run in the same order (what lets a render measure a section as it streams,
/// with no copy, and a long mix's passes read from its file).
@Suite struct MeterSplitTests {
    @Test(arguments: [1, 2])
    func blocksOfAnySizeGiveTheSameEnergies(channels: Int) throws {
        let rate = 44_100.0
        let l = Signals.pinkNoise(rmsDBFS: -14, count: Int(rate * 7.3), seed: 5)
        let r = Signals.sine(frequencyHz: 440, amplitudeDBFS: -9, seconds: 7.3, sampleRate: rate)
        let audio = AudioBuffer(sampleRate: rate, channels: Array([l, Array(r.prefix(l.count))].prefix(channels)))
        let mode: LoudnessMeter.Mode = channels == 2 ? [.monoFold, .perChannel] : [.perChannel]
        var whole = LoudnessMeter(sampleRate: rate, channelCount: channels, mode: mode)
        audio.withChannelPointers(0..<audio.frameCount) { whole.add($0) }
        var rng = SplitMix64(seed: 9)
        for _ in 0..<3 {
            var split = LoudnessMeter(sampleRate: rate, channelCount: channels, mode: mode)
            var start = 0
            while start < audio.frameCount {
                // Blocks of 1 to 9,000 frames: within, across and exactly at the 100 ms sub-blocks.
                let n = min(audio.frameCount - start, 1 + Int(rng.next() % 9_000))
                audio.withChannelPointers(start..<(start + n)) { split.add($0) }
                start += n
            }
            #expect(split.subBlockEnergies == whole.subBlockEnergies)
            #expect(split.monoFoldEnergies == whole.monoFoldEnergies)
            #expect(split.channelEnergies == whole.channelEnergies)
            #expect(split.integratedLUFS() == whole.integratedLUFS())
        }
        #expect(whole.subBlockEnergies.count == 73)
    }
}
