import Foundation
import HeadroomAnalysis
import HeadroomIO
import HeadroomMastering
import HeadroomPlots
import HeadroomReport

/// `headroom report`: a session's self-contained HTML page, made from the session, its mix and its master
/// (both analyzed again: the session keeps the verdicts, not the curves).
public enum ReportJob {
    /// The master beside a session (`X.wav.headroom.json` → `X.wav`), if it is there.
    public static func masterBeside(session path: String) -> String? {
        guard path.hasSuffix(".headroom.json") else { return nil }
        let master = String(path.dropLast(".headroom.json".count))
        return FileManager.default.fileExists(atPath: master) ? master : nil
    }

    /// Reads the session, its mix (the session's input, or `mixPath`) and its master (`masterPath`, or the
    /// file beside the session), and makes the page's input.
    public static func input(sessionPath: String, mixPath: String?, masterPath: String?) throws -> HTMLReport.Input {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: sessionPath)) } catch {
            throw JobError(.failure, "\(sessionPath): cannot read the session (\(error.localizedDescription))")
        }
        let session: Session
        do { session = try Session.decode(data) } catch {
            throw JobError(.failure, "\(sessionPath): not a Headroom session file (\(SessionFile.describe(error)))")
        }
        let demo = session.input.path == "demo mix (synthesized)"
        let mixFile = mixPath ?? (demo ? nil : session.input.path)
        if let mixFile, !FileManager.default.fileExists(atPath: mixFile) {
            throw JobError(.failure, "\(mixFile): the session's mix is not there; give it with --mix")
        }
        // Both files are read block by block (memory that does not grow with the song); the demo mix is
        // synthesized whole.
        var waveform = WaveformSummary.Builder(frameCount: session.input.frameCount, sampleRate: session.input.sampleRateHz)
        let (mixAnalysis, mixInfo) = try Mix.analyze(path: mixFile, feeding: { waveform.add($0) })
        guard mixInfo.frameCount == session.input.frameCount else {
            throw JobError(.failure, "\(mixInfo.path): not the mix this session was made from (\(session.input.path))")
        }
        let masterFile = masterPath ?? masterBeside(session: sessionPath)
        let masterAnalysis = try masterFile.map { try Mix.analyze(path: $0).analysis }
        let title = (sessionPath as NSString).lastPathComponent.replacingOccurrences(of: ".headroom.json", with: "")
        return HTMLReport.Input(title: title, session: session, mix: mixAnalysis, master: masterAnalysis,
                                waveform: waveform.summary)
    }

    /// The default page's path: `X.wav.report.html` beside `X.wav.headroom.json`.
    public static func defaultOutput(session path: String) -> String {
        (path.hasSuffix(".headroom.json") ? String(path.dropLast(".headroom.json".count)) : (path as NSString).deletingPathExtension) + ".report.html"
    }

    /// Writes the page (atomically; an existing file only with `overwrite`).
    public static func write(_ html: String, to path: String, existing: AudioFileWriter.ExistingFile, protecting: [String]) throws {
        let t = OutputTransaction(existing: existing, protecting: protecting, createFolders: true)
        do {
            try t.addData(Data(html.utf8), to: path)
            try t.commit()
        } catch let e as AudioFileError { throw JobError(.failure, e.description) }
    }
}
