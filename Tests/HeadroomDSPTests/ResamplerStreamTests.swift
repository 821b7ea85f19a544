import HeadroomDSP
import HeadroomSignals
import Testing

/// The block-by-block resampler gives the samples of the whole-buffer one, whatever the block sizes.
@Suite struct ResamplerStreamTests {
    @Test(arguments: [(44_100.0, 48_000.0), (96_000.0, 44_100.0), (48_000.0, 48_000.0 * 2)])
    func blocksGiveTheWholeBuffersSamples(rates: (Double, Double)) {
        let l = Signals.sine(frequencyHz: 1234, amplitudeDBFS: -3, seconds: 1.3, sampleRate: rates.0)
        let audio = AudioBuffer(sampleRate: rates.0, channels: [l, Signals.pinkNoise(rmsDBFS: -18, count: l.count, seed: 5)])
        let whole = Resampler.resample(audio, to: rates.1)
        let stream = Resampler.Stream(channelCount: 2, from: rates.0, to: rates.1)
        var out: [[Float]] = [[], []]
        let take = { (b: [UnsafeBufferPointer<Float>]) in for c in 0..<2 { out[c] += b[c] } }
        var start = 0, k = 0
        let sizes = [4096, 1, 999, 40_000, 17]
        while start < audio.frameCount {
            let end = min(audio.frameCount, start + sizes[k % sizes.count])
            audio.withChannelPointers(start..<end) { stream.process($0, take) }
            start = end; k += 1
        }
        stream.finish(take)
        #expect(out[0].count == whole.frameCount)
        #expect(out == whole.channels)
        // Channel by channel, each given back once resampled (a render's input handed over): the same samples.
        let released = Resampler.resample(releasing: audio, to: rates.1)
        #expect(released.channels == whole.channels && released.sampleRate == rates.1)
    }

    /// A source resampled as it is read gives the whole buffer's resampled samples, whole or any stretch.
    @Test func aResampledSourceIsTheResampledBuffer() {
        let l = Signals.sine(frequencyHz: 997, amplitudeDBFS: -6, seconds: 2.1, sampleRate: 44_100)
        let audio = AudioBuffer(sampleRate: 44_100, channels: [l, Signals.pinkNoise(rmsDBFS: -20, count: l.count, seed: 2)])
        let whole = Resampler.resample(audio, to: 48_000)
        let source = ResampledSource(audio, to: 48_000)
        #expect(source.frameCount == whole.frameCount && source.sampleRate == 48_000)
        for range in [0..<whole.frameCount, 5_000..<70_001] {
            var out: [[Float]] = [[], []]
            source.forEachBlock(range) { b in for c in 0..<2 { out[c] += b[c] } }
            #expect(out == whole.slice(range).channels, "\(range)")
        }
    }
}
