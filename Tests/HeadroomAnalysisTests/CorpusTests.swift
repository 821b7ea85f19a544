import Foundation
import HeadroomAnalysis
import HeadroomIO
import HeadroomTestSupport
import Testing

/// The six real tracks of ../shared/corpus/make-dev-corpus.sh (`make test` builds them and sets
/// HEADROOM_CORPUS). They must analyze and agree with libebur128.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HEADROOM_CORPUS"] != nil, "needs HEADROOM_CORPUS (make test)"))
struct CorpusTests {
    static let names = ["calmrace-ks", "credits1-cp", "freezingpoint", "spunkyrace-ks", "start1-jt", "race1-jt"]
    static var root: String { ProcessInfo.processInfo.environment["HEADROOM_CORPUS"] ?? "" }

    @Test(arguments: names)
    func premasterAnalyzesAndAgreesWithLibebur128(name: String) throws {
        let path = "\(Self.root)/premaster/\(name).wav"
        let (buffer, info) = try AudioFileReader.read(path: path)
        #expect(info.channelCount == 2)
        let a = try Analyzer().analyze(buffer)
        let reference = Reference.measure(buffer)
        #expect(abs(a.loudness.integratedLUFS - reference.integrated) < 0.1,
                "\(name): ours \(a.loudness.integratedLUFS), libebur128 \(reference.integrated)")
        // Premasters were turned down to −6 dBFS sample peak.
        #expect(abs(a.levels.samplePeakDBFS - -6) < 0.05)
        #expect(a.levels.truePeakDBTP >= a.levels.samplePeakDBFS)
        #expect(abs(a.levels.truePeakDBTP - reference.truePeak) < 0.3)
        #expect(!a.sections.isEmpty)
        #expect(a.sections.allSatisfy { $0.endSeconds - $0.startSeconds >= 7 })
    }
}
