import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSession
import HeadroomSignals
import HeadroomTestSupport
import Testing

/// Sessions are user-edited files: every setting is checked when one is loaded, so a bad value is refused
/// with one line naming the key, the value and the range, before anything is rendered.
@Suite struct SessionValidationTests {
    nonisolated(unsafe) static let folder = TempFolder()
    static let mix: Mix = {
        let song = SyntheticSong(sections: [.init("verse", seconds: 10, levelDB: -8), .init("chorus", seconds: 10, levelDB: 0)]).render()
        let path = folder.file("song.wav")
        try! AudioFileWriter.write(song, to: path, format: AudioFileFormat(.wav, .int24))
        return try! Mix.load(path)
    }()
    static var session: [String: Any] { try! JSONSerialization.jsonObject(with: sessionData) as! [String: Any] }
    static let sessionData: Data = {
        let a = try! mix.analyze()
        let c = ChecklistRules.evaluate(a)
        let plan = Planner(options: .init(target: LoudnessTarget.presets["spotify"]!)).plan(analysis: a, checklist: c, audio: mix.audio)
        return try! Session(toolVersion: "test", input: mix.info, plan: plan, checklist: c, report: nil).jsonData()
    }()

    /// Writes `session` with `value` at `path` (keys and array indices) and loads it.
    static func load(setting path: [Any], to value: Any) -> Result<Session, JobError> {
        func set(_ node: Any, _ path: ArraySlice<Any>) -> Any {
            guard let head = path.first else { return value }
            if let i = head as? Int, var array = node as? [Any], i < array.count {
                array[i] = set(array[i], path.dropFirst()); return array
            }
            if let k = head as? String, var object = node as? [String: Any] {
                object[k] = set(object[k] ?? [String: Any](), path.dropFirst()); return object
            }
            return node
        }
        let edited = set(session, path[...])
        let file = folder.file("edited-\(UUID().uuidString).json")
        try! JSONSerialization.data(withJSONObject: edited).write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        do { return .success(try SessionFile.load(file, for: mix)) } catch let e as JobError { return .failure(e) } catch {
            return .failure(JobError(.failure, "unexpected \(error)"))
        }
    }

    @Test func theUnchangedSessionLoads() throws {
        _ = try Self.load(setting: ["tool"], to: "headroom").get()
    }

    /// One bad edit: where, the value as JSON, what the message must say.
    struct Case: Sendable, CustomTestStringConvertible {
        var path: [String]; var json: String; var message: String
        var testDescription: String { path.joined(separator: ".") + " = " + json }
    }

    @Test(arguments: [
        Case(path: ["plan", "limiter", "lookaheadMilliseconds"], json: "1e9", message: "plan.limiter.lookaheadMilliseconds is 1000000000; allowed 0.5 to 20"),
        Case(path: ["plan", "limiter", "ceilingDBTP"], json: "20", message: "plan.limiter.ceilingDBTP is 20; allowed -9 to 0"),
        Case(path: ["plan", "target", "ceilingDBTP"], json: "-100", message: "plan.target.ceilingDBTP is -100"),
        Case(path: ["plan", "output", "bits"], json: "\"7\"", message: "plan.output.bits is \"7\""),
        Case(path: ["plan", "output", "format"], json: "\"aac\"", message: "plan.output.format is \"aac\""),
        Case(path: ["plan", "sectionGain", "rampMilliseconds"], json: "1e12", message: "plan.sectionGain.rampMilliseconds"),
        Case(path: ["plan", "evenOut"], json: "50", message: "plan.evenOut is 50; allowed 0 to 1"),
        Case(path: ["plan", "stereoLows", "crossoverHz"], json: "-1", message: "plan.stereoLows.crossoverHz is -1"),
        Case(path: ["plan", "limiter", "inputGainDB"], json: "1000", message: "plan.limiter.inputGainDB is 1000"),
        Case(path: ["plan", "compressor", "ratio"], json: "0", message: "plan.compressor.ratio is 0; allowed 1 to 20"),
        Case(path: ["plan", "compressor", "releaseMilliseconds"], json: "-5", message: "plan.compressor.releaseMilliseconds is -5"),
        Case(path: ["schemaVersion"], json: "999", message: "schema version 999 is not one this Headroom reads"),
        Case(path: ["plan", "limiter", "releaseMilliseconds"], json: "\"fast\"", message: "plan.limiter.releaseMilliseconds"),
        Case(path: ["plan", "transient"], json: "{\"enabled\": true, \"attackDB\": 40, \"sustainDB\": 0, \"fastAttackMilliseconds\": 0.5, \"slowAttackMilliseconds\": 20, \"releaseMilliseconds\": 60, \"sustainReleaseMilliseconds\": 300}", message: "plan.transient.attackDB is 40; allowed -12 to 12"),
        Case(path: ["plan", "softClip"], json: "{\"enabled\": true, \"clipOverCeilingDB\": 30, \"kneeDB\": 2}", message: "plan.softClip.clipOverCeilingDB is 30; allowed 0 to 12"),
        Case(path: ["plan", "shape", "loudestIndex"], json: "7", message: "plan.shape.loudestIndex is 7; allowed 0 to 1"),
    ])
    func badSettingsAreRefusedWithTheirKey(_ c: Case) throws {
        let value = try JSONSerialization.jsonObject(with: Data(c.json.utf8), options: .fragmentsAllowed)
        switch Self.load(setting: c.path, to: value) {
        case .success: Issue.record("\(c.testDescription) was accepted")
        case .failure(let e):
            #expect(e.message.contains(c.message), "\(e.message)")
            #expect(!e.message.contains("\n"))
        }
    }

    @Test func eqAndSectionEditsAreChecked() {
        let eq = ["kind": "bell", "frequencyHz": 1e9, "gainDB": 3.0, "q": 0.0] as [String: Any]
        guard case .failure(let e) = Self.load(setting: ["plan", "eq", "bands"], to: [eq]) else { Issue.record("accepted"); return }
        #expect(e.message.contains("plan.eq.bands[0].frequencyHz is 1000000000"))
        let reversed = [["startSeconds": 10.0, "endSeconds": 2.0, "gainDB": 1.0]]
        guard case .failure(let r) = Self.load(setting: ["plan", "sectionGain", "segments"], to: reversed) else { Issue.record("accepted"); return }
        #expect(r.message.contains("plan.sectionGain.segments[0].endSeconds is 2"))
        // The shape's sections: in order, not overlapping.
        let overlapping = [["startSeconds": 0.0, "endSeconds": 12.0, "wantedDistanceLU": 0.0],
                           ["startSeconds": 2.0, "endSeconds": 20.0, "wantedDistanceLU": 3.0]]
        guard case .failure(let o) = Self.load(setting: ["plan", "shape", "sections"], to: overlapping) else { Issue.record("accepted"); return }
        #expect(o.message.contains("plan.shape.sections[1].startSeconds is 2; allowed 12"), "\(o.message)")
    }

    /// Random edits of every number in the plan: loading never crashes, and what loads renders a master under
    /// its ceiling (checked on a sample of them).
    @Test func randomEditsNeverCrashOrBreakTheCeiling() throws {
        var numbers: [[Any]] = []
        func walk(_ node: Any, _ path: [Any]) {
            if let o = node as? [String: Any] { for (k, v) in o { walk(v, path + [k]) } }
            else if let a = node as? [Any] { for (i, v) in a.enumerated().prefix(4) { walk(v, path + [i]) } }
            else if node is Double || node is Int, (path.first as? String) == "plan" { numbers.append(path) }
        }
        walk(Self.session, [])
        #expect(numbers.count > 30)
        var rng = SplitMix(seed: 7)
        let values: [Any] = [0, -1, 1e9, -1e9, 1e-9, 0.5, -0.5, 3, 1e308, -24, 24, 2.5e4, "x", NSNull()]
        var accepted = 0, rendered = 0
        for _ in 0..<300 {
            let path = numbers[Int(rng.next() % UInt64(numbers.count))]
            let value = values[Int(rng.next() % UInt64(values.count))]
            guard case .success(let s) = Self.load(setting: path, to: value) else { continue }
            accepted += 1
            if accepted % 12 == 0 {
                let r = Renderer.render(Self.mix.audio, plan: s.plan)
                #expect(Renderer.truePeakDB(r.master, factor: 8) <= s.plan.limiter.ceilingDBTP + 0.1, "\(path) = \(value)")
                rendered += 1
            }
        }
        #expect(accepted > 20 && rendered >= 2, "accepted \(accepted), rendered \(rendered)")
    }
}

/// A small deterministic generator for the random edits.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
