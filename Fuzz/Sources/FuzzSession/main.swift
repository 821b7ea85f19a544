import Foundation
import FuzzDriver
import FuzzSupport
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSession

/// The mix every session is loaded against and rendered on (written once per process).
let mix: Mix = {
    let path = (FuzzSupport.scratch as NSString).appendingPathComponent("mix.wav")
    try! AudioFileWriter.write(FuzzSupport.smallSong(), to: path, format: AudioFileFormat(.wav, .float32), existing: .overwrite)
    return try! Mix.load(path)
}()
let analysis = try! mix.analyze()

/// One input: the bytes of a session file. Loading either refuses it with a `JobError` carrying one line,
/// or accepts it; an accepted session, with its edits described, renders to a master whose true peak at
/// 8x stays under the limiter's ceiling (the tolerance of the session tests).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSession(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = FuzzSupport.file(UnsafeRawBufferPointer(start: data, count: count), ext: "json")
    let session: Session
    do {
        session = try SessionFile.load(path, for: mix)
    } catch let error as JobError {
        precondition(!error.message.isEmpty && !error.message.contains("\n"), "a refusal that is not one line: \(error.message)")
        return 0
    } catch {
        preconditionFailure("the session loader threw something other than JobError: \(error)")
    }
    var plan = session.plan
    plan.describeEdits()
    guard let outcome = try? Mastering.run(mix.audio, analysis: analysis, checklist: session.checklist, plan: plan) else { return 0 }
    let truePeak = Renderer.truePeakDB(outcome.result.master, factor: 8)
    precondition(truePeak <= plan.limiter.ceilingDBTP + 0.1, "an accepted session rendered \(truePeak) dBTP over its ceiling \(plan.limiter.ceilingDBTP)")
    precondition((try? Session(toolVersion: "fuzz", input: mix.info, plan: outcome.result.plan, checklist: outcome.checklist,
                               report: outcome.report).jsonData()) != nil, "the rendered session did not encode")
    return 0
}

/// The entry point (`FuzzDriver.main`: libFuzzer's driver with this target).
@_cdecl("fuzz_session_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.main(argc, argv) { data, size in fuzzSession(UnsafeRawPointer(data!), size) }
}
