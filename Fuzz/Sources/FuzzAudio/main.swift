import Foundation
import FuzzDriver
import FuzzSupport
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO

/// One input: the first byte chooses the extension libsndfile is told (it sniffs the content anyway,
/// but MP3 needs the name), the rest is the file. A refused file must come back as an `AudioFileError`
/// with a message; a file that reads must hold finite samples within the reader's promise, and analyze.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAudio(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 1 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: count)
    let extensions = ["wav", "flac", "aiff", "ogg", "opus", "mp3"]
    let path = FuzzSupport.file(UnsafeRawBufferPointer(rebasing: bytes[1...]), ext: extensions[Int(bytes[0]) % extensions.count])
    let buffer: AudioBuffer
    do {
        buffer = try AudioFileReader.read(path: path).buffer
    } catch let error as AudioFileError {
        precondition(!error.description.isEmpty, "a refusal without a message")
        return 0
    } catch {
        preconditionFailure("the reader threw something other than AudioFileError: \(error)")
    }
    precondition(buffer.channelCount >= 1 && buffer.sampleRate > 0, "a read file without channels or rate")
    for channel in buffer.channels {
        // The reader refuses non-finite samples and floats beyond +24 dBFS.
        precondition(channel.allSatisfy { $0.isFinite && abs($0) <= 16 }, "a sample the reader should have refused")
    }
    let analyzed = buffer.frameCount > FuzzSupport.maxAnalyzedFrames ? buffer.slice(0..<FuzzSupport.maxAnalyzedFrames) : buffer
    if let analysis = try? Analyzer().analyze(analyzed) {
        precondition(!analysis.loudness.integratedLUFS.isNaN, "integrated loudness is NaN")
        precondition(!analysis.levels.truePeakDBTP.isNaN, "true peak is NaN")
        // Every report is JSON: encoding never fails, whatever the numbers.
        precondition((try? ReportJSON.encoder().encode(analysis)) != nil, "the analysis did not encode as JSON")
    }
    return 0
}

/// The entry point (`FuzzDriver.main`: libFuzzer's driver with this target).
@_cdecl("fuzz_audio_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.main(argc, argv) { data, size in fuzzAudio(UnsafeRawPointer(data!), size) }
}
