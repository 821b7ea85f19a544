import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomSession
import HeadroomTranslation

/// How the song sounds elsewhere: each speaker model of the translation report, and each codec after
/// encoding and decoding, made from the selected master (or the mix) on first request and kept.
public struct PreviewSource: Codable, Sendable, Equatable {
    /// "phone", "car", ..., "mp3", "opus", "vorbis".
    public var name: String
    public var summary: String
    public static let all: [PreviewSource] =
        SpeakerModel.all.map { PreviewSource(name: $0.name, summary: $0.summary) }
        + LossyRoundTrip.Codec.allCases.map { PreviewSource(name: $0.rawValue, summary: "\($0.displayName), encoded and decoded (streaming quality)") }
}

/// A preview made: its file and loudness (so the page can play it at the mix's loudness).
public struct Preview: Codable, Sendable {
    public var path: String
    public var integratedLUFS: Double
}

extension Studio {
    /// The preview `name` of the render (or of the mix when `renderID` is nil), made once and kept in the
    /// song's folder. Runs on the caller's thread (the server calls it off its event loops).
    public func preview(songID: String, renderID: String?, name: String) throws -> Preview {
        guard PreviewSource.all.contains(where: { $0.name == name }) else { throw JobError.usage("no preview named \(name)") }
        guard let song = try store.song(songID), song.status == .ready else { throw JobError.usage("no such song") }
        let base: String
        if let renderID {
            guard let r = try store.render(renderID), r.songID == songID, r.status == .done else { throw JobError.usage("no such render") }
            base = masterPath(song: songID, render: renderID)
        } else {
            base = song.audioPath
        }
        let folder = store.songFolder(songID).appendingPathComponent("previews")
            .appendingPathComponent(renderID.map { Store.safe($0) } ?? "mix")
        let file = folder.appendingPathComponent("\(name).wav"), info = folder.appendingPathComponent("\(name).json")
        if let data = try? Data(contentsOf: info), let p = try? JSONDecoder().decode(Preview.self, from: data),
           FileManager.default.fileExists(atPath: p.path) { return p }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let audio = try Mix.load(base).audio
        let rendered: AudioBuffer
        if let model = SpeakerModel.all.first(where: { $0.name == name }) {
            rendered = model.apply(to: audio)
        } else {
            rendered = try LossyRoundTrip.roundTrip(audio, codec: LossyRoundTrip.Codec(rawValue: name)!)
        }
        // 32-bit float keeps codec overs above full scale audible as they are.
        try AudioFileWriter.write(rendered, to: file.path, format: AudioFileFormat(.wav, .float32), existing: .overwrite)
        let lufs = (try? Analyzer().analyze(rendered).loudness.integratedLUFS) ?? -70
        let p = Preview(path: file.path, integratedLUFS: lufs)
        try Self.writeJSON(p, to: info)
        return p
    }
}
