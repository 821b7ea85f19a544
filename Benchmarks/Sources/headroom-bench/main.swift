import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSignals

/// Analyzes a synthesized 4-minute 44.1 kHz stereo song (written as a 24-bit WAV, as a user's mix would
/// be) and prints realtime factors for reading, analysis and both, plus peak memory.
func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kib / 1024
}

// headroom-bench [ITERATIONS] [--headroom PATH] [--long-minutes N] | --song PATH (writes the bench song, to profile it)
let arguments = Array(CommandLine.arguments.dropFirst())
func argument(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
let iterations = Int(arguments.first ?? "") ?? 5
let headroomBinary = argument("--headroom")
let longMinutes = argument("--long-minutes").flatMap(Double.init)
let sectionPattern: [SyntheticSong.Section] = [
    .init("intro", seconds: 16, levelDB: 2, drums: false, bass: false),
    .init("verse", seconds: 32, levelDB: -5),
    .init("chorus", seconds: 24, levelDB: -1, bright: true),
    .init("verse 2", seconds: 32, levelDB: -5),
    .init("chorus 2", seconds: 24, levelDB: -1, bright: true),
    .init("bridge", seconds: 24, levelDB: -3, drums: false),
    .init("last chorus", seconds: 32, levelDB: 0, bright: true),
    .init("outro", seconds: 56, levelDB: 0, drums: false, bass: false),
]
let song = SyntheticSong(sections: sectionPattern, sampleRate: 44_100)
if let songPath = argument("--song") {
    try AudioFileWriter.write(song.render(), to: songPath, format: AudioFileFormat(.wav, .int24), existing: .overwrite)
    exit(0)
}
let path = NSTemporaryDirectory() + "headroom-bench-\(getpid()).wav"
try AudioFileWriter.write(song.render(), to: path, format: AudioFileFormat(.wav, .int24), existing: .overwrite)
defer { unlink(path) }
let duration = song.durationSeconds
print(String(format: "song: %.0f s, 44.1 kHz stereo, 24-bit WAV; %d iterations", duration, iterations))
print("true-peak kernel: \(TruePeakInterpolator.kernelImplementation) (HEADROOM_SIMD=avx2 or swift to compare)")

var readTimes: [Double] = [], analyzeTimes: [Double] = [], totalTimes: [Double] = []
let clock = ContinuousClock()
for _ in 0..<iterations {
    let t0 = clock.now
    let (buffer, _) = try AudioFileReader.read(path: path)
    let t1 = clock.now
    let analysis = try Analyzer().analyze(buffer)
    let checklist = ChecklistRules.evaluate(analysis)
    let t2 = clock.now
    precondition(!checklist.items.isEmpty && analysis.sections.count > 1)
    readTimes.append(seconds(t1 - t0))
    analyzeTimes.append(seconds(t2 - t1))
    totalTimes.append(seconds(t2 - t0))
}

func report(_ name: String, _ times: [Double]) {
    let sorted = times.sorted()
    let median = sorted[sorted.count / 2]
    print(String(format: "%-22@ median %.3f s  (%.0fx realtime), best %.3f s (%.0fx)",
                 name as NSString, median, duration / median, sorted[0], duration / sorted[0]))
}
report("read (libsndfile)", readTimes)
report("analyze + checklist", analyzeTimes)
report("read + analyze", totalTimes)
// Mastering end to end: read, analyze, checklist, plan, render (loudness search), verify (analysis of
// the master and an 8x true peak), write 24-bit with dither.
var stageTimes: [String: [Double]] = [:]
var masterTimes: [Double] = []
let outPath = NSTemporaryDirectory() + "headroom-bench-\(getpid()).master.wav"
defer { unlink(outPath) }
for _ in 0..<iterations {
    var t = clock.now
    func lap(_ name: String) { let now = clock.now; stageTimes[name, default: []].append(seconds(now - t)); t = now }
    let start = clock.now
    let (buffer, _) = try AudioFileReader.read(path: path); lap("read")
    let analysis = try Analyzer().analyze(buffer)
    let checklist = ChecklistRules.evaluate(analysis); lap("analyze")
    let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: analysis, checklist: checklist, audio: buffer); lap("plan")
    let result = Renderer.render(buffer, plan: plan); lap("render")
    let after = try Analyzer().analyze(result.master, truePeaks: result.truePeaks8x)
    let (_, report) = Verifier.verify(before: analysis, after: after, master: result.master, checklist: checklist,
                                      plan: result.plan, render: result); lap("verify")
    try AudioFileWriter.write(result.master, to: outPath, format: AudioFileFormat(.wav, .int24), existing: .overwrite,
                              ditherSeed: 1); lap("write")
    precondition(report.targetHit && report.ceilingHeld)
    masterTimes.append(seconds(clock.now - start))
}
print("")
print("master (spotify), end to end:")
for name in ["read", "analyze", "plan", "render", "verify", "write"] {
    let sorted = stageTimes[name]!.sorted()
    print(String(format: "  %-8@ median %.3f s", name as NSString, sorted[sorted.count / 2]))
}
report("read → write master", masterTimes)

let decodedMiB = duration * 44_100 * 2 * 4 / 1_048_576
print(String(format: "peak memory: %.0f MiB (decoded audio: %.0f MiB)", peakMemoryMiB(), decodedMiB))

// Mastering against a reference (the same song through a bright, lean EQ): the reference's analysis and
// profile, the match plan, two renders (the EQ is refined once), verification with distances.
do {
    let (buffer, _) = try AudioFileReader.read(path: path)
    var reference = buffer
    let tilt = ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [
        EQBand(kind: .lowShelf, frequencyHz: 120, gainDB: -3), EQBand(kind: .highShelf, frequencyHz: 5000, gainDB: 4),
    ]))
    tilt.prepare(ProcessSpec(sampleRate: reference.sampleRate, maxFrameCount: 4096, channelCount: 2))
    reference.process(with: tilt, blockSize: 4096)
    var times: [Double] = []
    var distances = ""
    for _ in 0..<max(1, iterations / 2) {
        let start = clock.now
        let refAnalysis = try Analyzer().analyze(reference)
        let profile = ReferenceProfile.measure(reference, analysis: refAnalysis, name: "reference")
        let analysis = try Analyzer().analyze(buffer)
        let checklist = ChecklistRules.evaluate(analysis)
        var options = Planner.Options(target: LoudnessTarget.presets["spotify"]!)
        options.reference = profile
        let plan = Planner(options: options).plan(analysis: analysis, checklist: checklist, audio: buffer)
        let report = try Mastering.run(buffer, analysis: analysis, checklist: checklist, plan: plan).report
        times.append(seconds(clock.now - start))
        distances = String(format: "tonal distance %.2f → %.2f dB", report.match!.before.tonalDB, report.match!.after.tonalDB)
    }
    print("")
    report("master with a reference", times)
    print("  (analysis of the reference included; in memory, no file I/O; \(distances))")
}

// Whole process, as a user runs it: the `headroom` executable on the bench song's file, one core (taskset)
// unless said, against ffmpeg's two-pass loudnorm and sox's read + write (the floor: decode and encode alone).
if let headroom = headroomBinary {
    let runs = 3
    let out = NSTemporaryDirectory() + "headroom-bench-\(getpid()).process.wav"
    defer { unlink(out); unlink(out + ".headroom.json") }
    print("")
    print(String(format: "whole process on the %.0f s song (median of %d; %@):", duration, runs,
                 WholeProcess.pin == nil ? "taskset missing: not pinned" : "one core = taskset -c 0"))
    func line(_ name: String, _ r: ProcessRun?, seconds: Double = duration) -> ProcessRun? {
        let label = "  " + name.padding(toLength: 42, withPad: " ", startingAt: 0)
        guard let r else { print(label + "failed or missing"); return nil }
        print(label + String(format: "%6.2f s  %5.0fx realtime  peak %5.0f MiB", r.wallSeconds, seconds / r.wallSeconds, r.peakMiB))
        return r
    }
    let master = [headroom, "master", path, "-o", out, "--force", "-q"]
    let oneCore = line("headroom master (defaults, 1 core)", WholeProcess.median(master, onOneCore: true, times: runs))
    let noCodecs = line("headroom master --codecs none (1 core)", WholeProcess.median(master + ["--codecs", "none"], onOneCore: true, times: runs))
    _ = line("headroom master (defaults, 2 cores)", WholeProcess.median(master, onOneCore: false, times: runs))
    // Against a reference file: the song through the bright, lean EQ above (a first render refines the match).
    let referencePath = NSTemporaryDirectory() + "headroom-bench-\(getpid()).reference.wav"
    defer { unlink(referencePath) }
    if var reference = try? AudioFileReader.read(path: path).buffer {
        let tilt = ToneEQStage(settings: ToneEQSettings(enabled: true, bands: [
            EQBand(kind: .lowShelf, frequencyHz: 120, gainDB: -3), EQBand(kind: .highShelf, frequencyHz: 5000, gainDB: 4),
        ]))
        tilt.prepare(ProcessSpec(sampleRate: reference.sampleRate, maxFrameCount: 4096, channelCount: 2))
        reference.process(with: tilt, blockSize: 4096)
        try AudioFileWriter.write(reference, to: referencePath, format: AudioFileFormat(.wav, .int24), existing: .overwrite)
        _ = line("headroom master --reference (1 core)", WholeProcess.median(master + ["--reference", referencePath], onOneCore: true, times: runs))
        _ = line("  the same, --codecs none (1 core)",
                 WholeProcess.median(master + ["--reference", referencePath, "--codecs", "none"], onOneCore: true, times: runs))
    }
    _ = line("headroom analyze (1 core)", WholeProcess.median([headroom, "analyze", path, "-q"], onOneCore: true, times: runs))
    _ = line("headroom analyze (2 cores)", WholeProcess.median([headroom, "analyze", path, "-q"], onOneCore: false, times: runs))
    let ffmpeg = WholeProcess.which("ffmpeg").flatMap { line("ffmpeg loudnorm, two passes (1 core)", WholeProcess.ffmpegLoudnorm($0, input: path, output: out, times: runs)) }
    if WholeProcess.which("ffmpeg") == nil { print("  ffmpeg: not installed (scripts/setup.sh --bench installs it)") }
    let sox = WholeProcess.which("sox").flatMap { line("sox read + write 24-bit (the floor)", WholeProcess.median([$0, path, "-b", "24", out], onOneCore: true, times: runs)) }
    if let h = oneCore {
        if let f = ffmpeg { print(String(format: "  headroom master is %.1fx faster than ffmpeg's two-pass loudnorm", f.wallSeconds / h.wallSeconds)) }
        if let s = sox { print(String(format: "  headroom master takes %.1fx the sox floor (%.1fx without the codec check)", h.wallSeconds / s.wallSeconds,
                                       (noCodecs?.wallSeconds ?? .nan) / s.wallSeconds)) }
    }
    print(String(format: "  decoded audio: %.0f MiB", decodedMiB))
    // A long input (a DJ mix, a concert): memory must not grow like the song.
    if let minutes = longMinutes {
        let long = NSTemporaryDirectory() + "headroom-bench-\(getpid()).long.wav"
        defer { unlink(long) }
        var pieces: [String] = []
        var total = 0.0
        while total < minutes * 60 { pieces.append(path); total += duration }
        if let soxPath = WholeProcess.which("sox"), WholeProcess.run([soxPath] + pieces + ["-b", "24", long], onOneCore: false).exitCode == 0 {
            let longMiB = total * 44_100 * 2 * 4 / 1_048_576
            print(String(format: "long input: %.0f min (%.0f MiB decoded)", total / 60, longMiB))
            _ = line("headroom master (defaults, 2 cores)", WholeProcess.median([headroom, "master", long, "-o", out, "--force", "-q"], onOneCore: false, times: 1), seconds: total)
            _ = line("headroom analyze (2 cores)", WholeProcess.median([headroom, "analyze", long, "-q"], onOneCore: false, times: 1), seconds: total)
            _ = line("headroom check --codecs none (2 cores)", WholeProcess.median([headroom, "check", long, "--codecs", "none", "-q"], onOneCore: false, times: 1), seconds: total)
            _ = line("headroom report of that master (2 cores)", WholeProcess.median([headroom, "report", out + ".headroom.json", "-o", out + ".html", "--force"], onOneCore: false, times: 1), seconds: total)
            unlink(out + ".html")
        }
    }
}
