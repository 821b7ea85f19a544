import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
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

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 5
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
let path = NSTemporaryDirectory() + "headroom-bench-\(getpid()).wav"
try AudioFileWriter.write(song.render(), to: path, format: AudioFileFormat(.wav, .int24), existing: .overwrite)
defer { unlink(path) }
let duration = song.durationSeconds
print(String(format: "song: %.0f s, 44.1 kHz stereo, 24-bit WAV; %d iterations", duration, iterations))

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
let decodedMiB = duration * 44_100 * 2 * 4 / 1_048_576
print(String(format: "peak memory: %.0f MiB (decoded audio: %.0f MiB)", peakMemoryMiB(), decodedMiB))
