import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering

/// Render → write → measure again → verify: the part of a mastering session that `master` and `album`
/// share. Throws `Failure` with a one-line message.
struct MasterJob {
    var input: AudioBuffer
    var analysis: Analysis
    var checklist: Checklist
    var plan: MasteringPlan
    var format: AudioFileFormat
    var existing: AudioFileWriter.ExistingFile
    /// Files never to be written (the inputs and references).
    var protecting: [String]

    struct Outcome {
        var result: RenderResult
        var after: Analysis
        var checklist: Checklist
        var report: MasterReport
    }

    func run(to outPath: String, preLimiter: String? = nil, say: (String) -> Void = { _ in },
             fraction: ((Double) -> Void)? = nil) throws -> Outcome {
        say("rendering")
        let result = Renderer.render(input, plan: plan, progress: fraction)
        let seed = plan.output.dither ? Self.ditherSeed(input) : nil
        say("writing")
        do {
            try AudioFileWriter.write(result.master, to: outPath, format: format, existing: existing,
                                      protecting: protecting, ditherSeed: seed)
            if let preLimiter {
                try AudioFileWriter.write(result.preLimiter, to: preLimiter, format: format, existing: existing,
                                          protecting: protecting + [outPath], ditherSeed: seed)
            }
        } catch let e as AudioFileError {
            throw Failure(message: e.description)
        }
        say("verifying")
        // The master's true peak is the renderer's 8x measurement (stricter than 4x; measured once).
        let after = try Analyzer().analyze(result.master, truePeaks: result.truePeaks8x)
        let (verified, report) = Verifier.verify(before: analysis, after: after, master: result.master, checklist: checklist,
                                                 plan: result.plan, render: result)
        return Outcome(result: result, after: after, checklist: verified, report: report)
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
