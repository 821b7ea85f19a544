import HeadroomDSP
import HeadroomIO
import HeadroomTranslation

/// Lossy round trips (encode, decode, measure) for the translation report.
public enum CodecChecks {
    /// "mp3,vorbis" → the codecs; "none" → none.
    public static func parse(_ codecs: String) throws -> [LossyRoundTrip.Codec] {
        if codecs.lowercased() == "none" { return [] }
        return try codecs.split(separator: ",").map { name in
            guard let c = LossyRoundTrip.Codec(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw JobError.usage("--codecs: unknown codec '\(name)'; choose mp3, vorbis, opus or none")
            }
            return c
        }
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
}
