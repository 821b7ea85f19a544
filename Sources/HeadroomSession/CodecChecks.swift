import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomTranslation

/// Lossy round trips (encode, decode, measure) for the translation report.
public enum CodecChecks {
    /// "mp3,vorbis" → the codecs; "none" → none.
    public static func parse(_ codecs: String) throws -> [LossyRoundTrip.Codec] {
        let names = codecs.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if names == ["none"] { return [] }
        let list = try names.map { name in
            if name.isEmpty { throw JobError.usage("--codecs: an empty name; choose mp3, vorbis, opus (comma-separated) or none") }
            if name == "none" { throw JobError.usage("--codecs: none stands alone (no codecs); or name mp3, vorbis, opus") }
            guard let c = LossyRoundTrip.Codec(rawValue: name) else {
                throw JobError.usage("--codecs: unknown codec '\(name)'; choose mp3, vorbis, opus or none")
            }
            return c
        }
        if Set(list).count != list.count { throw JobError.usage("--codecs names a codec twice") }
        return list
    }

    /// Round trips through each codec, in parallel, in the codecs' order.
    public static func run(_ audio: AudioBuffer, codecs: [LossyRoundTrip.Codec]) throws -> [TranslationReport.CodecCheck] {
        let decoded = parallelMap(codecs.count, jobs: codecs.count) { i in
            Result { try LossyRoundTrip.roundTrip(audio, codec: codecs[i]) }
        }
        return try codecs.indices.map { i in
            do {
                return Translation.codecCheck(codec: codecs[i].displayName, source: audio, decoded: try decoded[i].get())
            } catch let e as AudioFileError {
                throw JobError(.failure, "the \(codecs[i].displayName) check failed: \(e.description)")
            }
        }
    }

    /// The same round trips of the file at `path`, block by block (memory that does not grow with the
    /// song), in parallel; `sourceTruePeakDBTP` is the file's own 4x true peak (its analysis has it).
    public static func run(path: String, codecs: [LossyRoundTrip.Codec], sourceTruePeakDBTP: Double) throws -> [TranslationReport.CodecCheck] {
        let measured = parallelMap(codecs.count, jobs: codecs.count) { i in
            Result { () -> (truePeakDBTP: Double, clipped: Int) in
                var meter: TruePeakMeter.Stream?
                var clipped = 0
                try LossyRoundTrip.roundTrip(path: path, codec: codecs[i]) { block in
                    if meter == nil { meter = TruePeakMeter.Stream(meter: TruePeakMeter(), channelCount: block.count) }
                    meter!.add(block)
                    for c in block { clipped += Translation.clippedSamples(c) }
                }
                let peak = meter?.finish().map(\.truePeak).max() ?? 0
                return (Decibels.fromAmplitude(Double(peak)), clipped)
            }
        }
        return try codecs.indices.map { i in
            do {
                let m = try measured[i].get()
                return Translation.codecCheck(codec: codecs[i].displayName, sourceTruePeakDBTP: sourceTruePeakDBTP,
                                              decodedTruePeakDBTP: m.truePeakDBTP, clippedSamples: m.clipped)
            } catch let e as AudioFileError {
                throw JobError(.failure, "the \(codecs[i].displayName) check failed: \(e.description)")
            }
        }
    }
}
