import Foundation
import FuzzSupport
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSession

/// Writes the seed corpus the fuzz targets start from: `Seeds/audio` (a tenth of a second in every format
/// Headroom reads, each prefixed with the byte that names its extension to `fuzz-audio`), `Seeds/session`
/// (sessions of the small song: as planned, with stages off, and with a reference-free edit), and
/// `session.dict`, the JSON keys of a session for libFuzzer's dictionary.
@main struct Seeds {
    static func main() throws {
        let out = CommandLine.arguments.dropFirst().first ?? "Seeds"
        let audioDir = out + "/audio", sessionDir = out + "/session"
        for dir in [audioDir, sessionDir] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }

        // Audio: 0.1 s of the small song's chorus, at 16 kHz (every codec takes it), mono and stereo.
        let song = FuzzSupport.smallSong()
        let short = Resampler.resample(song.slice(song.frameCount - 4_410..<song.frameCount), to: 16_000)
        var mono = short
        mono.channels = [short.channels[0]]
        let extensions = ["wav", "flac", "aiff", "ogg", "opus", "mp3"]
        let formats: [(String, AudioFileFormat, AudioBuffer)] = [
            ("wav16", AudioFileFormat(.wav, .int16), mono), ("wav24", AudioFileFormat(.wav, .int24), short),
            ("wav32f", AudioFileFormat(.wav, .float32), mono), ("flac", AudioFileFormat(.flac, .int16), short),
            ("aiff", AudioFileFormat(.aiff, .int16), mono), ("ogg", AudioFileFormat(.ogg), short),
            ("opus", AudioFileFormat(.opus), mono), ("mp3", AudioFileFormat(.mp3, bitrateKbps: 32), mono),
        ]
        for (name, format, audio) in formats {
            let temp = NSTemporaryDirectory() + "seed.\(format.container.fileExtension)"
            try AudioFileWriter.write(audio, to: temp, format: format, existing: .overwrite)
            var bytes = Data([UInt8(extensions.firstIndex(of: format.container.fileExtension)!)])
            bytes.append(try Data(contentsOf: URL(fileURLWithPath: temp)))
            try bytes.write(to: URL(fileURLWithPath: "\(audioDir)/\(name)"))
            try? FileManager.default.removeItem(atPath: temp)
        }

        // Sessions: planned on the small song (no report: the loader does not need one).
        let analysis = try Analyzer().analyze(song)
        let checklist = ChecklistRules.evaluate(analysis)
        let input = InputFile(path: "mix.wav", format: "WAV 32-bit float", sampleRateHz: song.sampleRate,
                              channelCount: song.channelCount, frameCount: song.frameCount)
        func write(_ plan: MasteringPlan, _ name: String) throws {
            let data = try Session(toolVersion: "seed", input: input, plan: plan, checklist: checklist, report: nil).jsonData()
            try data.write(to: URL(fileURLWithPath: "\(sessionDir)/\(name).json"))
        }
        let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: analysis, checklist: checklist, audio: song)
        try write(plan, "planned")
        var off = plan
        off.compressor.enabled = false; off.eq.enabled = false; off.sectionGain.enabled = false
        try write(off, "stages-off")
        var loud = Planner(options: .init(target: LoudnessTarget.presets["loud"]!)).plan(analysis: analysis, checklist: checklist, audio: song)
        loud.eq.bands.append(EQBand(kind: .bell, frequencyHz: 3_000, gainDB: -2, q: 1.4))
        loud.limiter.lookaheadMilliseconds = 5
        loud.output = OutputSettings(format: "mp3", bits: "24", sampleRateHz: 48_000, dither: false, bitrateKbps: 192)
        try write(loud, "loud-edited")

        // The dictionary: every key of a session, and numbers at the edges of the ranges.
        let object = try JSONSerialization.jsonObject(with: try Session(toolVersion: "seed", input: input, plan: loud,
                                                                        checklist: checklist, report: nil).jsonData())
        var keys = Set<String>()
        func collect(_ v: Any) {
            if let d = v as? [String: Any] { for (k, x) in d { keys.insert(k); collect(x) } }
            if let a = v as? [Any] { a.forEach(collect) }
        }
        collect(object)
        let numbers = ["0", "-0", "1e308", "-1e308", "1e-320", "-9", "20", "384000", "1000000000", "true", "false", "null", "[]", "{}"]
        let lines = keys.sorted().map { "\"\\\"\($0)\\\"\"" } + numbers.map { "\"\($0)\"" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: out + "/session.dict", atomically: true, encoding: .utf8)
        print("seeds: \(formats.count) audio, 3 sessions, \(keys.count) keys in session.dict, in \(out)")
    }
}
