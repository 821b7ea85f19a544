import Foundation
import HeadroomIO
import HeadroomSession
import Testing

@Suite struct DeliverableTests {
    @Test func sessionBelongsToTheOutput() {
        #expect(Deliverable.sessionPath(forOutput: "/m/song.master.wav") == "/m/song.master.wav.headroom.json")
        #expect(Deliverable.sessionPath(forOutput: "song.apple.flac") == "song.apple.flac.headroom.json")
        #expect(Deliverable.labelled("/m/out.wav", "apple") == "/m/out.apple.wav")
        #expect(Deliverable.defaultPath(stem: "song", mixPath: "/a/song.wav", label: "loud", container: .mp3) == "/a/song.loud.mp3")
    }

    @Test func formatFollowsTheExtension() throws {
        for (path, container) in [("x.wav", AudioFileFormat.Container.wav), ("x.aiff", .aiff), ("x.aif", .aiff), ("x.flac", .flac),
                                  ("x.ogg", .ogg), ("x.opus", .opus), ("x.mp3", .mp3), ("X.WAV", .wav)] {
            #expect(try Deliverable.format(outputPath: path, formatName: nil, bits: nil).container == container, "\(path)")
        }
        #expect(try Deliverable.format(outputPath: nil, formatName: "vorbis", bits: nil).container == .ogg)
        #expect(try Deliverable.format(outputPath: nil, formatName: nil, bits: nil) == AudioFileFormat(.wav, .int24))
        #expect(try Deliverable.format(outputPath: "a.aiff", formatName: nil, bits: "16").sample == .int16)
    }

    @Test func conflictsAndUnknownsAreRefused() {
        func refused(_ path: String?, _ format: String?, _ bits: String?) -> Bool {
            do { _ = try Deliverable.format(outputPath: path, formatName: format, bits: bits); return false } catch let e as JobError {
                return e.kind == .usage
            } catch { return false }
        }
        #expect(refused("song.headroom.json", nil, nil))
        #expect(refused("song", nil, nil))
        #expect(refused("x.wav", "flac", nil))
        #expect(refused(nil, "aac", nil))
        #expect(refused("x.mp3", nil, "16"))
        #expect(refused("x.flac", nil, "32f"))
        #expect(!refused("x.wav", "wav", "32f"))
    }
}
