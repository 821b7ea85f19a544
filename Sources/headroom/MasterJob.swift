import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering

/// Render, measure again and verify (`Mastering.run`), then write the files: the part of a session that
/// `master` and `album` share. Throws `Failure` with a one-line message.
struct MasterJob {
    var input: AudioBuffer
    var analysis: Analysis
    var checklist: Checklist
    var plan: MasteringPlan
    var format: AudioFileFormat
    var existing: AudioFileWriter.ExistingFile
    /// Files never to be written (the inputs and references).
    var protecting: [String]

    func run(to outPath: String, preLimiter: String? = nil, say: (String) -> Void = { _ in },
             fraction: ((Double) -> Void)? = nil) throws -> Mastering.Outcome {
        say("rendering")
        let outcome = try Mastering.run(input, analysis: analysis, checklist: checklist, plan: plan, progress: fraction)
        let seed = plan.output.dither ? Self.ditherSeed(input) : nil
        say("writing")
        do {
            try AudioFileWriter.write(outcome.result.master, to: outPath, format: format, existing: existing,
                                      protecting: protecting, ditherSeed: seed)
            if let preLimiter {
                try AudioFileWriter.write(outcome.result.preLimiter, to: preLimiter, format: format, existing: existing,
                                          protecting: protecting + [outPath], ditherSeed: seed)
            }
        } catch let e as AudioFileError {
            throw Failure(message: e.description)
        }
        return outcome
    }

    /// A seed from the audio itself, so the same input always gets the same dither.
    static func ditherSeed(_ audio: AudioBuffer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) { h = (h ^ v) &* 0x100_0000_01b3 }
        mix(UInt64(audio.frameCount)); mix(UInt64(audio.sampleRate))
        for c in audio.channels { for x in c.prefix(65_536) { mix(UInt64(x.bitPattern)) } }
        return h
    }
}
