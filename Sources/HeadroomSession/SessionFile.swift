import Foundation
import HeadroomChecklist
import HeadroomIO
import HeadroomMastering

/// Reading a session file back, and what options given beside it change.
public enum SessionFile {
    /// The session layouts this version reads.
    public static let readableSchemaVersions = 1...2

    /// The mix a session was made from, when the session names one that exists (for a re-render that
    /// gives no mix); nil otherwise, and `load` then says what is wrong.
    public static func mixPath(_ path: String) -> String? {
        guard let mix = recordedMixPath(path) else { return nil }
        // A relative path is as the session was written from; try it from the session's folder too.
        let beside = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(mix)
        for candidate in mix.hasPrefix("/") ? [mix] : [mix, beside] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }

    /// The mix's path as the session records it (nil when the file is no session).
    public static func recordedMixPath(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let input = object["input"] as? [String: Any] else { return nil }
        return input["path"] as? String
    }

    /// The mix a session without a mix on the command line renders: the one it records, found from here or
    /// from the session's folder; nil for a session of the demo mix. A recorded mix that cannot be found is
    /// an error, not the demo.
    public static func mixToRender(forSession path: String) throws -> String? {
        if let found = mixPath(path) { return found }
        guard let recorded = recordedMixPath(path), recorded != Mix.demoPathLabel else { return nil }
        throw JobError(.failure, "\(path): its mix \(recorded) is not there (from here or beside the session); name it: headroom master MIX --session \(path)")
    }

    /// A session file's bytes, or one line saying why not (missing, a folder, a device, unreadable).
    static func readBytes(_ path: String) throws -> Data {
        var st = stat()
        guard stat(path, &st) == 0 else { throw JobError(.failure, "\(path): no such session file") }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw JobError(.failure, "\(path): is a folder; give the session file (NAME.headroom.json)")
        default: throw JobError(.failure, "\(path): not a regular file; give the session file (NAME.headroom.json)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobError(.failure, "\(path): cannot be read (permission denied)")
        }
        return data
    }

    /// Reads `path` and checks it belongs to `mix` (same length, channels and rate).
    public static func load(_ path: String, for mix: Mix) throws -> Session {
        let data = try readBytes(path)
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let version = object["schemaVersion"] as? Int, !readableSchemaVersions.contains(version) {
            throw JobError(.failure, "\(path): session schema version \(version) is not one this Headroom reads (\(readableSchemaVersions.lowerBound)–\(readableSchemaVersions.upperBound)); re-master the mix to make a new session")
        }
        let session: Session
        do { session = try Session.decode(data) } catch {
            throw JobError(.failure, "\(path): not a Headroom session file (\(describe(error)))")
        }
        do { try PlanValidation.validate(session.plan, durationSeconds: Double(mix.info.frameCount) / mix.info.sampleRateHz) } catch let e as PlanValidationError {
            throw JobError(.failure, "\(path): \(e)")
        }
        if let kbps = session.plan.output.bitrateKbps, session.plan.output.format != "mp3" || !AudioFileFormat.mp3Bitrates.contains(kbps) {
            throw JobError(.failure, "\(path): plan.output.bitrateKbps is \(kbps); allowed with format mp3 only, one of \(Deliverable.bitrateNames)")
        }
        guard session.input.frameCount == mix.info.frameCount, session.input.channelCount == mix.info.channelCount,
              session.input.sampleRateHz == mix.info.sampleRateHz else {
            throw JobError(.failure, "\(path): this session belongs to another file (\(session.input.path))")
        }
        return session
    }

    /// A decoding error in a few words: the key and what was wrong.
    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String { c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case .keyNotFound(let key, let c): return "missing key \((path(c).isEmpty ? "" : path(c) + ".") + key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(path(c)): \(c.debugDescription)"
        case .dataCorrupted(let c): return path(c).isEmpty ? "not valid JSON" : "\(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// Options given together with `--session`: each either changes the loaded plan (and says so in its
/// decisions, so the printed plan and the stored session describe what is rendered) or is refused.
public struct PlanOverrides: Sendable {
    /// A new loudness target (preset, `--lufs`, `--ceiling`).
    public var target: LoudnessTarget?
    public var output: OutputSettings?

    public init(target: LoudnessTarget? = nil, output: OutputSettings? = nil) { self.target = target; self.output = output }

    public func apply(to plan: inout MasteringPlan) {
        if let target, target != plan.target {
            let old = plan.target
            plan.target = target
            plan.limiter.ceilingDBTP = target.ceilingDBTP
            plan.decisions.removeAll { $0.stage == "loudness" }
            plan.decisions.append(PlanDecision(stage: "loudness", summary: "target \(text(target.integratedLUFS)) LUFS integrated, ceiling \(text(target.ceilingDBTP)) dBTP",
                                               reason: "set on re-render (was \(old.name): \(text(old.integratedLUFS)) LUFS, \(text(old.ceilingDBTP)) dBTP); the gain into the limiter is searched again"))
            if let i = plan.decisions.firstIndex(where: { $0.stage == "limiter" }) {
                plan.decisions[i].summary = DecisionText.limiter(plan.limiter)
                plan.decisions[i].reason = "\(target.name) asks for \(text(target.ceilingDBTP)) dBTP (set on re-render)"
            }
        }
        if let output, output != plan.output {
            plan.output = output
            plan.decisions.removeAll { $0.stage == "output" }
            plan.decisions.append(PlanDecision(stage: "output", summary: output.summary,
                                               reason: "set on re-render"))
        }
    }

    func text(_ v: Double) -> String { NumberText.decimal(v) }
}

/// What a user's edits to a session did to the chain, written into the decisions so the printed plan says
/// what is rendered (`MasteringPlan.describeEdits`).
public enum SessionEdits {
    public static func describe(_ plan: inout MasteringPlan) { plan.describeEdits() }
}
