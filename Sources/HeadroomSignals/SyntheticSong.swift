import Foundation
import HeadroomDSP

/// A synthetic song made of sections of different level and arrangement: drums-like transients (kick,
/// snare, hats), a bass line, pads. Deterministic for a given seed. Used for the demo mix and for tests
/// with known section boundaries and levels.
public struct SyntheticSong: Sendable {
    /// One section of the song.
    public struct Section: Sendable {
        public var name: String
        public var seconds: Double
        /// Gain applied to the whole arrangement of this section.
        public var levelDB: Double
        public var drums: Bool
        public var bass: Bool
        public var pad: Bool
        /// Louder, busier hats and a brighter pad.
        public var bright: Bool

        public init(_ name: String, seconds: Double, levelDB: Double, drums: Bool = true, bass: Bool = true,
                    pad: Bool = true, bright: Bool = false) {
            self.name = name; self.seconds = seconds; self.levelDB = levelDB
            self.drums = drums; self.bass = bass; self.pad = pad; self.bright = bright
        }
    }

    public var sections: [Section]
    public var sampleRate: Double
    public var tempoBPM: Double = 120
    public var seed: UInt64 = 1
    /// The rendered song is scaled so its sample peak sits here (a mix printed with headroom).
    public var peakDBFS: Double = -6

    public init(sections: [Section], sampleRate: Double = 44_100) {
        self.sections = sections
        self.sampleRate = sampleRate
    }

    /// Section start times in seconds (the first is 0).
    public var boundariesSeconds: [Double] {
        var t = 0.0
        return sections.map { s in defer { t += s.seconds }; return t }
    }

    public var durationSeconds: Double { sections.reduce(0) { $0 + $1.seconds } }

    /// The demo mix: a 98-second song (intro, verse, chorus, breakdown, last chorus, outro), its last chorus
    /// the loudest section, printed at −6 dBFS peak.
    public static func demo(sampleRate: Double = 44_100) -> SyntheticSong {
        SyntheticSong(sections: [
            Section("intro", seconds: 12, levelDB: 2, drums: false, bass: false),
            Section("verse", seconds: 24, levelDB: -5),
            Section("chorus", seconds: 20, levelDB: -1, bright: true),
            Section("breakdown", seconds: 12, levelDB: -3, drums: false),
            Section("last chorus", seconds: 20, levelDB: 0, bright: true),
            Section("outro", seconds: 10, levelDB: 0, drums: false, bass: false),
        ], sampleRate: sampleRate)
    }

    /// Renders the song to a stereo buffer.
    public func render() -> AudioBuffer {
        let sr = sampleRate
        let total = Int((durationSeconds * sr).rounded())
        var left = [Float](repeating: 0, count: total)
        var right = [Float](repeating: 0, count: total)
        var rng = SplitMix64(seed: seed)
        let beat = 60 / tempoBPM
        let roots: [Double] = [55, 43.65, 65.41, 49]  // A1, F1, C2, G1: one chord per bar
        let table = Self.sawTable
        let tableSize = Double(table.count)

        var start = 0
        for section in sections {
            let count = Int((section.seconds * sr).rounded())
            let end = min(total, start + count)
            let gain = Float(Decibels.toAmplitude(section.levelDB))
            var hp = 0.0, lastNoise = 0.0
            var padPhases = [Double](repeating: 0, count: 6)
            for i in start..<end {
                let t = Double(i) / sr
                let beatIndex = Int(t / beat)
                let inBeat = t - Double(beatIndex) * beat
                let bar = (beatIndex / 4) % roots.count
                let root = roots[bar]
                var l = 0.0, r = 0.0
                if section.drums {
                    // Kick on every beat: a falling sine with a fast decay.
                    let kf = 45 + 75 * exp(-inBeat * 30)
                    let kick = 0.9 * sin(2 * .pi * kf * inBeat) * exp(-inBeat * 9)
                    l += kick; r += kick
                    // Snare on 2 and 4: noise burst plus a 190 Hz body.
                    let noise = Double(rng.nextSignedUnit())
                    if beatIndex % 2 == 1 {
                        let snare = (0.45 * noise + 0.3 * sin(2 * .pi * 190 * inBeat)) * exp(-inBeat * 18)
                        l += snare; r += snare
                    }
                    // Hats on eighths: differentiated noise, slightly right.
                    let eighth = inBeat.truncatingRemainder(dividingBy: beat / 2)
                    // Differentiated noise, softened by a one-pole low-pass (cymbals are not loudest at Nyquist).
                    let diff = noise - lastNoise; lastNoise = noise
                    hp += 0.6 * (diff - hp)
                    let hat = (section.bright ? 0.07 : 0.04) * hp * exp(-eighth * 60)
                    l += 0.8 * hat; r += 1.2 * hat
                }
                if section.bass {
                    let eighth = inBeat.truncatingRemainder(dividingBy: beat / 2)
                    let env = min(1, eighth * 200) * exp(-eighth * 3)
                    let w = 2 * Double.pi * root * t
                    let bass = 0.45 * env * (sin(w) + 0.35 * sin(2 * w) + 0.1 * sin(3 * w))
                    l += bass; r += bass
                }
                if section.pad {
                    // Major triad two octaves up, each voice detuned differently left and right.
                    let ratios: [Double] = [4, 5, 6]
                    var pl = 0.0, pr = 0.0
                    for v in 0..<3 {
                        for side in 0..<2 {
                            let k = v * 2 + side
                            let detune = side == 0 ? 0.997 : 1.003
                            padPhases[k] += root * ratios[v] * detune / sr
                            if padPhases[k] >= 1 { padPhases[k] -= 1 }
                            let idx = Int(padPhases[k] * tableSize) & (table.count - 1)
                            let s = Double(table[idx])
                            if side == 0 { pl += s } else { pr += s }
                        }
                    }
                    let padLevel = section.bright ? 0.16 : 0.12
                    l += padLevel * pl; r += padLevel * pr
                }
                left[i] = Float(l) * gain
                right[i] = Float(r) * gain
            }
            start = end
        }
        // 5 ms fades at section boundaries are implicit (instruments restart at zero); scale to the peak.
        let peak = max(left.map(abs).max() ?? 0, right.map(abs).max() ?? 0)
        let g = Float(Decibels.toAmplitude(peakDBFS)) / max(peak, 1e-9)
        for i in 0..<total { left[i] *= g; right[i] *= g }
        return AudioBuffer(sampleRate: sr, channels: [left, right])
    }

    /// One cycle of a band-limited sawtooth (12 harmonics), 2048 samples.
    static let sawTable: [Float] = (0..<2048).map { i in
        let x = 2 * Double.pi * Double(i) / 2048
        var s = 0.0
        for k in 1...12 { s += sin(Double(k) * x) / Double(k) }
        return Float(s * 0.5)
    }
}
