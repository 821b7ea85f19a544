import Foundation
import HeadroomDSP

/// A playback system as a simple, documented filter chain (RBJ biquads), optionally summed to mono.
///
/// These are broad caricatures for translation checks, not measurements of particular products: where the
/// low end stops, where the system is bright or dull, and whether it plays one channel.
public struct SpeakerModel: Sendable, Equatable {
    /// One filter of the model.
    public enum Filter: Sendable, Equatable {
        /// 2nd-order Butterworth high-pass; `order` 4 cascades two (24 dB/octave).
        case highPass(hz: Double, order: Int)
        case lowPass(hz: Double, order: Int)
        case lowShelf(hz: Double, gainDB: Double)
        case highShelf(hz: Double, gainDB: Double)
        case bell(hz: Double, gainDB: Double, q: Double)

        func coefficients(sampleRate: Double) -> [BiquadCoefficients] {
            switch self {
            case let .highPass(hz, order): return Array(repeating: .highPass(frequencyHz: hz, sampleRate: sampleRate), count: order / 2)
            case let .lowPass(hz, order): return Array(repeating: .lowPass(frequencyHz: min(hz, sampleRate * 0.45), sampleRate: sampleRate), count: order / 2)
            case let .lowShelf(hz, g): return [.lowShelf(frequencyHz: hz, gainDB: g, sampleRate: sampleRate)]
            case let .highShelf(hz, g): return [.highShelf(frequencyHz: min(hz, sampleRate * 0.45), gainDB: g, sampleRate: sampleRate)]
            case let .bell(hz, g, q): return [.peaking(frequencyHz: hz, gainDB: g, q: q, sampleRate: sampleRate)]
            }
        }
    }

    /// Short name ("phone"), also the preview file's suffix.
    public var name: String
    /// What it stands for, for reports and --help.
    public var summary: String
    /// Sums the channels to mono before the filters.
    public var mono: Bool
    public var filters: [Filter]

    /// The biquads at `sampleRate`, in order.
    public func coefficients(sampleRate: Double) -> [BiquadCoefficients] {
        filters.flatMap { $0.coefficients(sampleRate: sampleRate) }
    }

    /// Magnitude response in dB at `hz`.
    public func responseDB(atHz hz: Double, sampleRate: Double) -> Double {
        coefficients(sampleRate: sampleRate).reduce(0) { $0 + $1.magnitudeDB(atHz: hz, sampleRate: sampleRate) }
    }

    /// `audio` as this system plays it (mono models return one channel... on both: a stereo file keeps
    /// two identical channels, so a preview plays on both speakers).
    public func apply(to audio: AudioBuffer) -> AudioBuffer {
        var out = audio
        var player = Player(self, sampleRate: audio.sampleRate, channelCount: audio.channelCount)
        audio.withChannelPointers(0..<audio.frameCount) { player.play($0, into: &out.channels) }
        return out
    }

    /// The model played block by block (a preview written as the file is read), with the same samples as
    /// `apply`: each channel's filters keep their state from block to block.
    public struct Player: Sendable {
        let mono: Bool
        var filters: [[Biquad]]

        public init(_ model: SpeakerModel, sampleRate: Double, channelCount: Int) {
            mono = model.mono && channelCount == 2
            filters = Array(repeating: model.coefficients(sampleRate: sampleRate).map { Biquad($0) }, count: channelCount)
        }

        /// Plays one block (one buffer per channel, all of one length) into `out`, one array per channel of at
        /// least the block's length.
        public mutating func play(_ block: [UnsafeBufferPointer<Float>], into out: inout [[Float]]) {
            Denormals.flushed { playFlushed(block, into: &out) }
        }

        private mutating func playFlushed(_ block: [UnsafeBufferPointer<Float>], into out: inout [[Float]]) {
            let n = block[0].count
            for c in block.indices {
                out[c].withUnsafeMutableBufferPointer { x in
                    if mono {
                        for i in 0..<n { x[i] = (block[0][i] + block[1][i]) * 0.5 }
                    } else {
                        for i in 0..<n { x[i] = block[c][i] }
                    }
                    for k in filters[c].indices {
                        var f = filters[c][k]
                        for i in 0..<n { x[i] = Float(f.process(Double(x[i]))) }
                        filters[c][k] = f
                    }
                }
            }
        }
    }

    /// The models Headroom checks, from the smallest speaker up.
    public static let all: [SpeakerModel] = [
        SpeakerModel(name: "phone", summary: "phone speaker: mono, nothing below ~350 Hz, a 2.5 kHz bump, dull above 12 kHz", mono: true,
                     filters: [.highPass(hz: 350, order: 4), .bell(hz: 2500, gainDB: 4, q: 1), .lowPass(hz: 12000, order: 2)]),
        SpeakerModel(name: "laptop", summary: "laptop speakers: little below ~180 Hz, a 3 kHz bump, rolled off above 16 kHz", mono: false,
                     filters: [.highPass(hz: 180, order: 4), .bell(hz: 3000, gainDB: 3, q: 1), .lowPass(hz: 16000, order: 2)]),
        SpeakerModel(name: "earbuds", summary: "earbuds: bass rolling off below ~50 Hz, a slight lift at 100 Hz, ear-canal presence peak at 3 kHz", mono: false,
                     filters: [.highPass(hz: 50, order: 2), .lowShelf(hz: 100, gainDB: 2), .bell(hz: 3000, gainDB: 3, q: 1.5), .lowPass(hz: 16000, order: 2)]),
        SpeakerModel(name: "car", summary: "car: cabin gain (+5 dB below ~90 Hz), a 400 Hz dip, road noise masking the top (−3 dB above 8 kHz)", mono: false,
                     filters: [.highPass(hz: 35, order: 2), .lowShelf(hz: 90, gainDB: 5), .bell(hz: 400, gainDB: -3, q: 1), .highShelf(hz: 8000, gainDB: -3)]),
        SpeakerModel(name: "hifi", summary: "hi-fi speakers: flat from 30 Hz to 20 kHz", mono: false,
                     filters: [.highPass(hz: 30, order: 2)]),
        SpeakerModel(name: "club", summary: "club system: mono, sub emphasis (+6 dB below ~70 Hz), tight below 30 Hz, a softer top", mono: true,
                     filters: [.highPass(hz: 30, order: 4), .lowShelf(hz: 70, gainDB: 6), .highShelf(hz: 10000, gainDB: -2)]),
        SpeakerModel(name: "mono", summary: "mono fold-down: (L+R)/2 on both speakers, nothing else", mono: true, filters: []),
    ]
}
