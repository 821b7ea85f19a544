import Foundation
import HeadroomAnalysis
import HeadroomChecklist
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
        let master = masterPath(session: path)
        return FileManager.default.fileExists(atPath: master) ? master : nil
    }

    /// Where a session's master is (`X.wav.headroom.json` → `X.wav`), there or not.
    public static func masterPath(session path: String) -> String {
        path.hasSuffix(".headroom.json") ? String(path.dropLast(".headroom.json".count)) : path
    }

    /// Reads the session, its mix (the session's input, or `mixPath`) and its master (`masterPath`, or the
    /// file beside the session), and makes the page's input.
    public static func input(sessionPath: String, mixPath: String?, masterPath: String?) throws -> HTMLReport.Input {
        let data = try SessionFile.readBytes(sessionPath)
        let session: Session
        do { session = try Session.decode(data) } catch {
            let hint = sessionPath.hasSuffix(".headroom.json") ? "" : "; give the session, e.g. \((sessionPath as NSString).lastPathComponent).headroom.json"
            throw JobError(.failure, "\(sessionPath): not a Headroom session file (\(SessionFile.describe(error)))\(hint)")
        }
        let demo = session.input.path == Mix.demoPathLabel
        // A relative mix path is as the session was written from; it is also looked for beside the session.
        let mixFile = mixPath ?? (demo ? nil : SessionFile.mixPath(sessionPath) ?? session.input.path)
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
        // The files must be the session's: their loudness as the session measured it.
        if let before = session.report?.before.integratedLUFS,
           abs(mixAnalysis.loudness.integratedLUFS - before) > sameFileToleranceLU {
            throw JobError(.failure, "\(mixInfo.path): not the mix this session was made from (it measures \(NumberText.decimal(mixAnalysis.loudness.integratedLUFS)) LUFS, the session's mix \(NumberText.decimal(before)) LUFS)")
        }
        if let masterFile, let master = masterAnalysis, let after = session.report?.after.integratedLUFS {
            // A lossy master decodes a little quieter or louder than the master it was encoded from.
            let lossy = session.report?.deliveredFormat != nil
            if abs(master.loudness.integratedLUFS - after) > (lossy ? lossyToleranceLU : sameFileToleranceLU) {
                throw JobError(.failure, "\(masterFile): not this session's master (it measures \(NumberText.decimal(master.loudness.integratedLUFS)) LUFS, the session's master \(NumberText.decimal(after)) LUFS); give it with --master")
            }
        }
        let title = (sessionPath as NSString).lastPathComponent.replacingOccurrences(of: ".headroom.json", with: "")
        return HTMLReport.Input(title: title, session: session, mix: mixAnalysis, master: masterAnalysis,
                                waveform: waveform.summary)
    }

    /// How far a file's integrated loudness may be from the session's measurement of it (24- or 16-bit
    /// rounding moves it by thousandths); a lossy master's decode moves it by tenths.
    static let sameFileToleranceLU = 0.05
    static let lossyToleranceLU = 1.0

    /// The default page's path: `X.wav.report.html` beside `X.wav.headroom.json`.
    public static func defaultOutput(session path: String) -> String {
        (path.hasSuffix(".headroom.json") ? String(path.dropLast(".headroom.json".count)) : (path as NSString).deletingPathExtension) + ".report.html"
    }

    /// Checks, before any work, that the page may be written there.
    public static func checkOutput(_ path: String, existing: AudioFileWriter.ExistingFile, protecting: [String]) throws {
        do { try OutputTransaction(existing: existing, protecting: protecting, createFolders: true).check(path) } catch let e as AudioFileError {
            throw JobError(.failure, e.description)
        }
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
