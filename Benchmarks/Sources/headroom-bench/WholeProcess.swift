import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One command run as its own process: wall time and the peak resident memory the kernel reports for it.
struct ProcessRun {
    var wallSeconds: Double
    var peakMiB: Double
    var exitCode: Int32
}

enum WholeProcess {
    /// `taskset -c 0` where it exists (Linux): the one-core figure. Elsewhere commands run unpinned.
    static let pin: [String]? = FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") ? ["/usr/bin/taskset", "-c", "0"] : nil

    /// GNU time reports a command's own peak memory; the kernel's figure for a child spawned from this
    /// (large) process would start from this process's peak, which survives exec.
    static let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") && FileManager.default.fileExists(atPath: "/proc/self/status")

    /// Runs `argv` (stdout and stderr to /dev/null), `onOneCore` pinned to the first core.
    static func run(_ argv: [String], onOneCore: Bool) -> ProcessRun {
        let report = NSTemporaryDirectory() + "headroom-bench-time-\(getpid())"
        defer { unlink(report) }
        let timed = gnuTime ? ["/usr/bin/time", "-f", "%M", "-o", report] : []
        let full = timed + (onOneCore ? (pin ?? []) : []) + argv
        var actions: posix_spawn_file_actions_t = .init()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArgs = full.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        guard posix_spawn(&pid, full[0], &actions, nil, &cArgs, environ) == 0 else {
            return ProcessRun(wallSeconds: 0, peakMiB: 0, exitCode: -1)
        }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let wall = seconds(ContinuousClock.now - start)
        #if canImport(Darwin)
        var peak = Double(usage.ru_maxrss) / 1_048_576  // bytes on macOS
        #else
        var peak = Double(usage.ru_maxrss) / 1024  // KiB on Linux
        #endif
        if gnuTime, let text = try? String(contentsOfFile: report, encoding: .utf8),
           let kib = Double(text.split(separator: "\n").last.map(String.init) ?? "") {
            peak = kib / 1024
        }
        return ProcessRun(wallSeconds: wall, peakMiB: peak, exitCode: (status >> 8) & 0xff)
    }

    /// The median run of `times` (by wall time); nil when any run failed.
    static func median(_ argv: [String], onOneCore: Bool, times: Int) -> ProcessRun? {
        var runs: [ProcessRun] = []
        for _ in 0..<times {
            let r = run(argv, onOneCore: onOneCore)
            guard r.exitCode == 0 else { return nil }
            runs.append(r)
        }
        return runs.sorted { $0.wallSeconds < $1.wallSeconds }[runs.count / 2]
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// ffmpeg's loudnorm in its two-pass (linear) form, as an engineer scripts it: measure, then apply with
    /// the measured values, writing 24-bit WAV. Both passes timed together; the peak is the larger.
    static func ffmpegLoudnorm(_ ffmpeg: String, input: String, output: String, times: Int) -> ProcessRun? {
        var runs: [ProcessRun] = []
        for _ in 0..<times {
            let start = ContinuousClock.now
            let pass1 = Process()
            pass1.executableURL = URL(fileURLWithPath: (pin ?? [ffmpeg])[0])
            pass1.arguments = Array((pin ?? [ffmpeg]).dropFirst()) + (pin == nil ? [] : [ffmpeg])
                + ["-hide_banner", "-nostats", "-threads", "1", "-i", input,
                   "-af", "loudnorm=I=-14:TP=-1:LRA=11:print_format=json", "-f", "null", "-"]
            let pipe = Pipe()
            pass1.standardError = pipe
            pass1.standardOutput = FileHandle.nullDevice
            guard (try? pass1.run()) != nil else { return nil }
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            pass1.waitUntilExit()
            guard pass1.terminationStatus == 0, let open = text.lastIndex(of: "{"),
                  let json = try? JSONSerialization.jsonObject(with: Data(text[open...].utf8)) as? [String: String],
                  let i = json["input_i"], let tp = json["input_tp"], let lra = json["input_lra"], let th = json["input_thresh"],
                  let offset = json["target_offset"] else { return nil }
            let firstSeconds = seconds(ContinuousClock.now - start)
            let filter = "loudnorm=I=-14:TP=-1:LRA=11:measured_I=\(i):measured_TP=\(tp):measured_LRA=\(lra):measured_thresh=\(th):offset=\(offset):linear=true"
            let second = run([ffmpeg, "-hide_banner", "-nostats", "-y", "-threads", "1", "-i", input, "-af", filter,
                              "-ar", "44100", "-c:a", "pcm_s24le", output], onOneCore: true)
            guard second.exitCode == 0 else { return nil }
            runs.append(ProcessRun(wallSeconds: firstSeconds + second.wallSeconds, peakMiB: second.peakMiB, exitCode: 0))
        }
        return runs.sorted { $0.wallSeconds < $1.wallSeconds }[runs.count / 2]
    }
}
