import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomSignals
import Testing

/// The meters fed block by block (a master as it is rendered) give what they give on the whole buffer.
@Suite struct StreamingTests {
    static let song: AudioBuffer = {
        var s = SyntheticSong(sections: [
            .init("verse", seconds: 10, levelDB: -6),
            .init("chorus", seconds: 10, levelDB: 0, bright: true),
            .init("bridge", seconds: 8, levelDB: -9, drums: false),
        ])
        s.peakDBFS = 0.5  // over full scale: inter-sample overs to find
        return s.render()
    }()

    /// Feeds `audio` in blocks of the given sizes, cycling.
    static func feed(_ audio: AudioBuffer, sizes: [Int], _ add: ([UnsafeBufferPointer<Float>]) -> Void) {
        var start = 0, k = 0
        while start < audio.frameCount {
            let end = min(audio.frameCount, start + sizes[k % sizes.count])
            audio.withChannelPointers(start..<end) { add($0) }
            start = end; k += 1
        }
    }

    @Test(arguments: [4, 8])
    func truePeakStreamEqualsTheWholeChannel(factor: Int) {
        let meter = TruePeakMeter(interpolator: TruePeakInterpolator(factor: factor, tapsPerPhase: 32))
        let whole = Self.song.channels.map { c in c.withUnsafeBufferPointer { meter.measure($0) } }
        var stream = TruePeakMeter.Stream(meter: meter, channelCount: 2)
        Self.feed(Self.song, sizes: [4096, 17, 1, 999]) { stream.add($0) }
        let streamed = stream.finish()
        #expect(whole[0].truePeak > 1 && !whole[0].overFrames.isEmpty, "the test signal has overs")
        for c in 0..<2 {
            #expect(streamed[c].truePeak == whole[c].truePeak)
            #expect(streamed[c].overFrames == whole[c].overFrames)
        }
    }

    @Test func analyzerStreamEqualsTheWholeBuffer() throws {
        let whole = try Analyzer().measure(Self.song)
        var stream = Analyzer.Stream(sampleRate: Self.song.sampleRate, channelCount: 2)
        Self.feed(Self.song, sizes: [1000, 4096, 3]) { stream.add($0) }
        let streamed = try stream.finish()
        // Only the summing of the 100 ms energies over block edges may differ, in the last digits.
        #expect(abs(whole.analysis.loudness.integratedLUFS - streamed.analysis.loudness.integratedLUFS) < 1e-9)
        #expect(whole.analysis.levels.truePeakDBTP == streamed.analysis.levels.truePeakDBTP)
        #expect(whole.analysis.sections.map(\.startSeconds) == streamed.analysis.sections.map(\.startSeconds))
        #expect(whole.analysis.levels.intersampleOverCount == streamed.analysis.levels.intersampleOverCount)
        #expect(whole.analysis.loudness.shortTermLUFS == streamed.analysis.loudness.shortTermLUFS)
        // Every number of the analysis, to the summing's rounding.
        let differences = Self.differences(try JSONSerialization.jsonObject(with: JSONEncoder().encode(whole.analysis)),
                                           try JSONSerialization.jsonObject(with: JSONEncoder().encode(streamed.analysis)), path: "analysis")
        #expect(differences.isEmpty, "\(differences.prefix(5))")
        #expect(whole.analysis.levels.dynamicRangeDR == streamed.analysis.levels.dynamicRangeDR)
        for (x, y) in zip(whole.loudness.subBlockEnergies, streamed.loudness.subBlockEnergies) {
            #expect(abs(x - y) <= 1e-12 * max(x, 1e-20))
        }
        #expect(throws: AnalysisError.self) {
            var short = Analyzer.Stream(sampleRate: 44_100, channelCount: 2)
            Self.song.withChannelPointers(0..<1000) { short.add($0) }
            _ = try short.finish()
        }
    }

    /// Where two decoded JSON values differ (numbers by more than a relative 1e-9).
    static func differences(_ a: Any, _ b: Any, path: String) -> [String] {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            guard Set(x.keys) == Set(y.keys) else { return ["\(path): keys"] }
            return x.keys.sorted().flatMap { differences(x[$0]!, y[$0]!, path: "\(path).\($0)") }
        case let (x as [Any], y as [Any]):
            guard x.count == y.count else { return ["\(path): \(x.count) vs \(y.count) elements"] }
            return zip(x, y).enumerated().flatMap { differences($1.0, $1.1, path: "\(path)[\($0)]") }
        case let (x as NSNumber, y as NSNumber):
            let (u, v) = (x.doubleValue, y.doubleValue)
            return abs(u - v) <= 1e-9 * max(1, abs(u)) ? [] : ["\(path): \(u) vs \(v)"]
        case let (x as String, y as String):
            return x == y ? [] : ["\(path): \(x) vs \(y)"]
        default:
            return String(describing: a) == String(describing: b) ? [] : ["\(path): \(a) vs \(b)"]
        }
    }
}
