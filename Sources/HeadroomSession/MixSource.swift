import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSignals

/// A mix as a job receives it: the audio, what the file was, and its tags.
public struct Mix: Sendable {
    /// The decoded audio; empty when the mix is read from `file` as it is needed.
    public var audio: AudioBuffer
    public var info: InputFile
    public var tags: AudioTags
    /// The path read (nil for the synthesized demo mix).
    public var path: String?
    /// A long mix is not held in memory: its file stays open and is read again for every pass.
    public private(set) var file: AudioFileSource?

    public init(audio: AudioBuffer, info: InputFile, tags: AudioTags = AudioTags(), path: String?) {
        self.audio = audio; self.info = info; self.tags = tags; self.path = path
    }

    /// The mix as a job reads it: its file when it is not held in memory, else its audio.
    public var source: any AudioSource { file ?? audio }

    /// A mix whose decoded audio would take more than this is read from its file for every pass instead of
    /// held in memory, when its format can be read back exactly (PCM, float, FLAC) and the job streams:
    /// memory that does not grow with the song (about 12 minutes of 44.1 kHz stereo; the same threshold at
    /// which a render stops keeping its chain's output).
    public static let heldInMemoryBytes = Renderer.storedPreLimiterBytes

    /// Analyzes `path` block by block and keeps it open to be read again, without holding its audio: nil
    /// (nothing read) when the mix is short enough to hold (`limitBytes`: `master --in-memory-mib`) or its
    /// format cannot be read back exactly.
    public static func analyzedFromFile(_ path: String, limitBytes: Int = heldInMemoryBytes,
                                        progress: ((Double) -> Void)? = nil) throws -> (mix: Mix, analysis: Analysis)? {
        try checkReadable(path)
        guard let file = AudioFileSource(path: path), file.decodedBytes > limitBytes else { return nil }
        let (analysis, info) = try analyze(path: path, progress: progress)
        // The header's length is the decoded length for these formats; a mismatch would read past the end.
        guard info.frameCount == file.frameCount, info.channelCount == file.channelCount else { return nil }
        var mix = Mix(audio: AudioBuffer(sampleRate: info.sampleRateHz, channelCount: info.channelCount, frameCount: 0), info: info,
                      tags: AudioFileReader.readTags(path: path), path: path)
        mix.file = file
        return (mix, analysis)
    }

    /// Whether the file the audio was read from gives it back exactly (PCM, float, FLAC: `readAgain`), so a
    /// render may work in the audio's own memory and another render read the file again. Set when the mix
    /// is read from its path; false for the demo mix and for lossy files.
    public private(set) var canReadAgain = false

    /// What `readAgain` checks the file against: the audio's fingerprint, taken before any render works in
    /// its memory; nil when the file cannot give the audio back (`canReadAgain`).
    public func receipt() -> Receipt? {
        canReadAgain && file == nil && path != nil ? Receipt(fingerprint: Self.fingerprint(audio)) : nil
    }

    /// The audio, moved out (the mix holds none afterwards): a render given the only reference works in it.
    public mutating func takeAudio() -> AudioBuffer {
        let audio = self.audio
        self.audio = AudioBuffer(sampleRate: audio.sampleRate, channelCount: audio.channelCount, frameCount: 0)
        return audio
    }

    /// What a mix's audio was when a render took it: its fingerprint.
    public struct Receipt: Sendable { let fingerprint: UInt64 }

    /// Reads the mix's file again into memory (after a render took its audio): the same audio, or a one-line
    /// failure saying it changed.
    public mutating func readAgain(_ receipt: Receipt) throws {
        guard let path else { preconditionFailure("only a mix read from a file has a receipt") }
        let again: AudioBuffer
        do { again = try AudioFileReader.read(path: path).buffer } catch let error as AudioFileError {
            throw JobError(.failure, error.description)
        }
        guard Self.fingerprint(again) == receipt.fingerprint else {
            throw JobError(.failure, "\(path): changed while it was being mastered (it reads differently the second time)")
        }
        audio = again
    }

    /// A hash of every sample's bits and the shape: two reads of the same file agree, a changed file almost
    /// surely does not. Eight lanes of a multiply-xorshift hash (so it runs at memory speed); the shift
    /// carries every bit down the word, so changes cannot cancel (two sign flips in a lane would, without it).
    static func fingerprint(_ audio: AudioBuffer) -> UInt64 {
        var lanes = SIMD8<UInt32>(repeating: 0x9E37_79B9)
        let prime = SIMD8<UInt32>(repeating: 16_777_619)
        for channel in audio.channels {
            channel.withUnsafeBufferPointer { x in
                guard let base = x.baseAddress else { return }
                let n = x.count, whole = n / 8 * 8
                base.withMemoryRebound(to: UInt32.self, capacity: n) { bits in
                    var h = lanes
                    var i = 0
                    while i < whole {
                        h = (h ^ UnsafeRawPointer(bits + i).loadUnaligned(as: SIMD8<UInt32>.self)) &* prime
                        h ^= h &>> 15
                        i += 8
                    }
                    while i < n {
                        var v = (h[i % 8] ^ bits[i]) &* 16_777_619
                        v ^= v >> 15
                        h[i % 8] = v
                        i += 1
                    }
                    lanes = (h ^ SIMD8<UInt32>(repeating: UInt32(truncatingIfNeeded: n))) &* prime
                }
            }
        }
        var out = UInt64(audio.channelCount) &* 1_099_511_628_211 ^ audio.sampleRate.bitPattern
        for k in 0..<8 { out = (out ^ UInt64(lanes[k])) &* 1_099_511_628_211; out ^= out >> 29 }
        return out
    }

    /// What a session records as the demo mix's path.
    public static let demoPathLabel = "demo mix (synthesized)"

    /// The name outputs are named after: the file's name without its extension ("headroom-demo" for the demo).
    public var stem: String { Self.stem(forPath: path) }

    /// The stem of a mix at `path` (nil: the demo mix).
    public static func stem(forPath path: String?) -> String {
        path.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension } ?? "headroom-demo"
    }

    /// Checks that `path` is a readable regular file, with the reader's words, before any work.
    public static func checkReadable(_ path: String) throws {
        do { try AudioFileReader.checkReadable(path) } catch let e as AudioFileError { throw JobError(.failure, e.description) }
    }

    /// Reads `path` through libsndfile, or synthesizes the demo mix when `path` is nil.
    public static func load(_ path: String?) throws -> Mix {
        guard let path else {
            let song = SyntheticSong.demo().render()
            return Mix(audio: song, info: InputFile(path: demoPathLabel, format: "32-bit float", sampleRateHz: song.sampleRate,
                                                    channelCount: song.channelCount, frameCount: song.frameCount),
                       tags: AudioTags([.title: "Headroom demo mix"]), path: nil)
        }
        do {
            let (audio, info) = try AudioFileReader.read(path: path)
            var mix = Mix(audio: audio, info: info, tags: AudioFileReader.readTags(path: path), path: path)
            mix.canReadAgain = AudioFileSource(path: path) != nil
            return mix
        } catch let error as AudioFileError {
            throw JobError(.failure, error.description)
        }
    }

    /// Reads `path` whole (the demo mix when nil) and analyzes it while it is read: the decoding on this
    /// thread, the measuring on another. The same analysis as `load` then `analyze`.
    public static func loadAnalyzed(_ path: String?) throws -> (mix: Mix, analysis: Analysis) {
        guard let path else {
            let mix = try load(nil)
            return (mix, try mix.analyze())
        }
        var channels: [[Float]] = []
        let (analysis, info) = try readMeasuring(path, maxDecodedBytes: AudioFileReader.maxDecodedBytes, progress: nil, reserve: { count, frames in
            channels = (0..<count).map { _ in var c = [Float](); c.reserveCapacity(frames); return c }
        }, keep: { block in
            for c in block.indices { channels[c].append(contentsOf: block[c]) }
        })
        var mix = Mix(audio: AudioBuffer(sampleRate: info.sampleRateHz, channels: channels), info: info,
                      tags: AudioFileReader.readTags(path: path), path: path)
        mix.canReadAgain = AudioFileSource(path: path) != nil
        return (mix, analysis)
    }

    /// Reads and analyzes a mix block by block without keeping it (memory that does not grow with the song):
    /// the demo mix (nil) is synthesized and analyzed whole. `progress` receives 0...1.
    /// `feeding` sees every block as it is read (a waveform summary, say).
    public static func analyze(path: String?, progress: ((Double) -> Void)? = nil,
                               feeding: ([UnsafeBufferPointer<Float>]) -> Void = { _ in }) throws -> (analysis: Analysis, info: InputFile) {
        guard let path else {
            let mix = try load(nil)
            mix.audio.withChannelPointers(0..<mix.audio.frameCount) { feeding($0) }
            return (try mix.analyze(), mix.info)
        }
        return try readMeasuring(path, maxDecodedBytes: nil, progress: progress, reserve: { _, _ in }, keep: feeding)
    }

    /// Decodes `path` on this thread and measures it on another, the two side by side on two cores: the
    /// other thread runs the filters and spectrum, this one also the true peak (the two about even);
    /// `reserve(channels, frames)` comes before the first block, `keep` sees every block. Failures are one line.
    private static func readMeasuring(_ path: String, maxDecodedBytes: Int?, progress: ((Double) -> Void)?, reserve: (Int, Int) -> Void,
                                      keep: ([UnsafeBufferPointer<Float>]) -> Void) throws -> (analysis: Analysis, info: InputFile) {
        var measuring: MeasuringSink?, threaded: ThreadedSink?, truePeak: TruePeakMeter.Stream?
        var expected = 1, seen = 0
        let info: InputFile
        do {
            defer { threaded?.finish() }
            info = try AudioFileReader.forEachBlock(path: path, maxDecodedBytes: maxDecodedBytes, expecting: { channels, frames, rate in
                expected = max(1, frames)
                reserve(channels, frames)
                measuring = MeasuringSink(sampleRate: rate, channelCount: channels, measuresTruePeak: false)
                threaded = ThreadedSink(next: measuring!, channelCount: channels, maxFrames: AudioFileReader.blockFrames, slots: 4)
                truePeak = TruePeakMeter.Stream(meter: TruePeakMeter(), channelCount: channels)
            }) { block in
                threaded!.add(block)
                truePeak!.add(block)
                keep(block)
                seen += block[0].count
                progress?(0.95 * min(1, Double(seen) / Double(expected)))
            }
        } catch let error as AudioFileError {
            throw JobError(.failure, error.description)
        }
        do {
            let analysis = try measuring!.finish(truePeaks: truePeak!.finish()).analysis
            progress?(1)
            return (analysis, info)
        } catch let e as AnalysisError {
            throw JobError(.failure, "\(info.path): \(e)")
        }
    }

    /// Analyzes the mix, with a one-line failure naming it.
    public func analyze() throws -> Analysis {
        do { return try Analyzer().analyze(audio) } catch let e as AnalysisError {
            throw JobError(.failure, "\(info.path): \(e)")
        }
    }
}
