import Foundation
import HeadroomAnalysis
import HeadroomIO
import HeadroomTestSupport
import Testing

/// The six real tracks of scripts/make-corpus.sh (`make test` builds them and sets HEADROOM_CORPUS).
/// They must analyze and agree with libebur128.
@Suite(.enabled(if: Corpus.isAvailable, "needs the corpus (make test builds it)"))
struct CorpusTests {
    static let names = Corpus.names

    @Test(arguments: names)
    func premasterAnalyzesAndAgreesWithLibebur128(name: String) throws {
        let path = Corpus.premaster(name)
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
