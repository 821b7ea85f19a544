import Foundation
import HeadroomDSP
import HeadroomMastering
import HeadroomSignals
import Testing

/// The limiter's ceiling holds at 4x on hostile material driven hard, and within 0.1 dB at 8x.
@Suite struct LimiterCeilingTests {
    static let sr = 44_100.0

    static func signals() -> [(String, AudioBuffer)] {
        let n = Int(sr * 4)
        let square = (0..<n).map { i -> Float in (i / 50) % 2 == 0 ? 1 : -1 }
        let squareFast = (0..<n).map { i -> Float in (i / 3) % 2 == 0 ? 1 : -1 }
        var bursts = [Float](repeating: 0, count: n)
        let noise = Signals.whiteNoise(amplitude: 1, count: n, seed: 11)
        for i in 0..<n where (i / 4410) % 3 == 0 { bursts[i] = noise[i] }
        var drums = SyntheticSong(sections: [.init("drums", seconds: 4, levelDB: 0, pad: false)])
        drums.peakDBFS = 0
        var out: [(String, AudioBuffer)] = [
            ("full-scale square", Signals.stereo(square, sampleRate: sr)),
            ("fast square", Signals.stereo(squareFast, sampleRate: sr)),
            ("noise bursts", Signals.stereo(bursts, sampleRate: sr)),
            ("synthetic drums", drums.render()),
        ]
        for phase in [0.0, 0.25, 0.5, 0.785] {
            out.append(("fs/4 sine at \(phase) rad", Signals.stereo(
                Signals.sine(frequencyHz: sr / 4, amplitudeDBFS: 0, seconds: 2, sampleRate: sr, phaseRadians: phase), sampleRate: sr)))
        }
        out.append(("near-Nyquist sine", Signals.stereo(
            Signals.sine(frequencyHz: 19_000, amplitudeDBFS: 0, seconds: 2, sampleRate: sr, phaseRadians: 0.3), sampleRate: sr)))
        return out
    }

    @Test(arguments: [-1.0, -0.3, -2.0])
    func ceilingHoldsAt4xAndWithinATenthAt8x(ceiling: Double) {
        for (name, signal) in Self.signals() {
            for drive in [0.0, 12.0] {
                let out = Renderer.limit(signal, settings: LimiterSettings(inputGainDB: drive, ceilingDBTP: ceiling))
                let tp4 = Renderer.truePeakDB(out, factor: 4)
                let tp8 = Renderer.truePeakDB(out, factor: 8)
                #expect(tp4 <= ceiling, "\(name) +\(drive) dB: \(tp4) dBTP at 4x")
                #expect(tp8 <= ceiling + 0.1, "\(name) +\(drive) dB: \(tp8) dBTP at 8x")
            }
        }
    }

    @Test func outputLinesUpWithTheInput() {
        // Below the ceiling the limiter is transparent and latency compensated.
        let x = Signals.pinkNoise(rmsDBFS: -30, count: 20_000, seed: 3)
        let out = Renderer.limit(Signals.stereo(x, sampleRate: Self.sr), settings: LimiterSettings(ceilingDBTP: -1))
        #expect(out.frameCount == x.count)
        let d = zip(out.channels[0], x).map { abs($0 - $1) }.max()!
        #expect(d < 1e-6)
    }

    @Test func gainReductionIsSmoothNotPumping() {
        // A sustained loud tone: after the attack the gain settles (no oscillation).
        let tone = Signals.sine(frequencyHz: 100, amplitudeDBFS: 0, seconds: 2, sampleRate: Self.sr)
        let out = Renderer.limit(Signals.stereo(tone, sampleRate: Self.sr), settings: LimiterSettings(inputGainDB: 6, ceilingDBTP: -1))
        let second = out.channels[0][Int(Self.sr)..<Int(Self.sr * 2)]
        let peaks = stride(from: second.startIndex, to: second.endIndex - 441, by: 441).map { i in second[i..<(i + 441)].map(abs).max()! }
        #expect(peaks.max()! - peaks.min()! < 0.01)
    }
}
