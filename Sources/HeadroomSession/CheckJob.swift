import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomTranslation

/// `headroom check`: how a mix or master translates (speaker models, mono, platforms, lossy codecs). A
/// file is read block by block, never whole: the analysis as it is read, each codec's round trip through a
/// temporary file, the speaker previews written as the file is read again. Memory does not grow with the song.
public struct CheckJob {
    /// The file (nil: the demo mix), the codecs, and where each speaker model's preview goes (none: no previews).
    public var path: String?
    public var codecs: [LossyRoundTrip.Codec]
    public var previewPaths: [String]
    public var existing: AudioFileWriter.ExistingFile

    public init(path: String?, codecs: [LossyRoundTrip.Codec], previewPaths: [String] = [], existing: AudioFileWriter.ExistingFile = .keep) {
        precondition(previewPaths.isEmpty || previewPaths.count == SpeakerModel.all.count)
        self.path = path; self.codecs = codecs; self.previewPaths = previewPaths; self.existing = existing
    }

    /// What the check found.
    public struct Outcome {
        public var info: InputFile
        public var analysis: Analysis
        public var report: TranslationReport
    }

    /// Checks, before any work, that the input is a readable file and that every output (the previews, and
    /// `also`) may be written; the previews' folder is made now, so a folder that cannot be made says so first.
    public func checkOutputs(also: [String] = []) throws {
        let protecting = path.map { [$0] } ?? []
        if let path { try Mix.checkReadable(path) }
        do { try OutputTransaction(existing: existing, protecting: protecting, createFolders: true).checkAll(also + previewPaths) } catch let e as AudioFileError {
            throw JobError(.failure, e.description)
        }
        if let folder = previewPaths.first.map({ ($0 as NSString).deletingLastPathComponent }), !folder.isEmpty,
           !FileManager.default.fileExists(atPath: folder) {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw JobError(.failure, "\(folder): cannot create the folder (\(String(cString: strerror(errno))))")
            }
        }
    }

    /// The steps, for a progress line.
    public enum Step { case analyzing, codecs, previews }

    public func run(progress: (Step) -> Void = { _ in }) throws -> Outcome {
        progress(.analyzing)
        let demo = path == nil ? try Mix.load(nil) : nil
        let (analysis, info) = try demo.map { (try $0.analyze(), $0.info) } ?? Mix.analyze(path: path)
        progress(.codecs)
        let checks = try demo.map { try CodecChecks.run($0.audio, codecs: codecs) }
            ?? CodecChecks.run(path: path!, codecs: codecs, sourceTruePeakDBTP: analysis.levels.truePeakDBTP)
        let report = Translation.evaluate(analysis, codecs: checks)
        if !previewPaths.isEmpty {
            progress(.previews)
            try writePreviews(demo: demo?.audio, info: info)
        }
        return Outcome(info: info, analysis: analysis, report: report)
    }

    /// Every preview, as one transaction (all of them or none), from the file read once more block by block.
    func writePreviews(demo: AudioBuffer?, info: InputFile) throws {
        let transaction = OutputTransaction(existing: existing, protecting: path.map { [$0] } ?? [], createFolders: true)
        do {
            let writers = try previewPaths.map {
                // 24-bit rounding without dither: a mono model's two channels stay identical.
                try transaction.addAudioStream(to: $0, format: AudioFileFormat(.wav, .int24), sampleRate: info.sampleRateHz,
                                               channelCount: info.channelCount, ditherSeed: nil)
            }
            var players = SpeakerModel.all.map { SpeakerModel.Player($0, sampleRate: info.sampleRateHz, channelCount: info.channelCount) }
            var scratch = [[Float]](repeating: [], count: info.channelCount)
            func play(_ block: [UnsafeBufferPointer<Float>]) throws {
                let n = block[0].count
                if scratch[0].count < n { scratch = scratch.map { _ in [Float](repeating: 0, count: n) } }
                for k in players.indices {
                    players[k].play(block, into: &scratch)
                    try AudioBuffer.withPointers(scratch, 0..<n) { try writers[k].write($0) }
                }
            }
            if let demo {
                var start = 0
                while start < demo.frameCount {
                    let end = min(demo.frameCount, start + AudioFileReader.blockFrames)
                    try demo.withChannelPointers(start..<end) { try play($0) }
                    start = end
                }
            } else {
                _ = try AudioFileReader.forEachBlock(path: path!, play)
            }
            for w in writers { try w.finish() }
            try transaction.commit()
        } catch {
            throw transaction.failed(error)
        }
    }
}
