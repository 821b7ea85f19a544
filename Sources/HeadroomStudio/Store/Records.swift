import Foundation
import GRDB

/// A mix in the library. Its audio stays in a file (uploaded into the song's folder, or referenced
/// read-only where it lies); the database holds what is known about it.
public struct SongRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "song"
    public var id: String
    public var name: String
    /// The audio: a file inside the song's folder (uploaded) or an absolute path (referenced, never written).
    public var audioPath: String
    public var referenced: Bool
    public var createdAt: Date
    public var status: Status
    public var error: String?
    public var durationSeconds: Double?
    public var integratedLUFS: Double?
    /// Position in the album (nil: not on the album).
    public var albumPosition: Int?
    /// Another song of the library to compare with and match to (schema v2).
    public var referenceID: String?

    public enum Status: String, Codable, Sendable, DatabaseValueConvertible { case analyzing, ready, failed }

    public init(id: String, name: String, audioPath: String, referenced: Bool, createdAt: Date, status: Status,
                error: String? = nil, durationSeconds: Double? = nil, integratedLUFS: Double? = nil, albumPosition: Int? = nil,
                referenceID: String? = nil) {
        self.id = id; self.name = name; self.audioPath = audioPath; self.referenced = referenced; self.createdAt = createdAt
        self.status = status; self.error = error; self.durationSeconds = durationSeconds; self.integratedLUFS = integratedLUFS
        self.albumPosition = albumPosition; self.referenceID = referenceID
    }
}

/// A timestamped note the user dropped while listening; it becomes a checklist item to tick.
public struct NoteRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "note"
    public var id: String
    public var songID: String
    public var timeSeconds: Double
    public var text: String
    public var done: Bool
    public var createdAt: Date
}

/// A ticked (or unticked) checklist item of a song's analysis.
public struct TickRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tick"
    public var songID: String
    public var itemID: Int
    public var done: Bool
}

/// One render of a song: the settings it was made with, where its master and session are, its verdict.
public struct RenderRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "render"
    public var id: String
    public var songID: String
    public var createdAt: Date
    public var status: Status
    public var error: String?
    /// The settings as the page sent them (JSON).
    public var settingsJSON: String
    public var targetName: String?
    public var integratedLUFS: Double?
    public var truePeakDBTP: Double?
    public var targetHit: Bool?
    public var ceilingHeld: Bool?

    public enum Status: String, Codable, Sendable, DatabaseValueConvertible { case rendering, done, failed, cancelled }
}

/// Long work (analysis, render) with its progress, so a page reload finds it again.
public struct JobRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"
    public var id: String
    public var songID: String
    public var kind: Kind
    public var renderID: String?
    public var status: Status
    public var step: String
    public var fraction: Double
    public var message: String?
    public var createdAt: Date

    public init(id: String, songID: String, kind: Kind, renderID: String? = nil, status: Status, step: String, fraction: Double,
                message: String? = nil, createdAt: Date) {
        self.id = id; self.songID = songID; self.kind = kind; self.renderID = renderID; self.status = status; self.step = step
        self.fraction = fraction; self.message = message; self.createdAt = createdAt
    }

    /// An album job's row names its first track as `songID` and the album render as `renderID`.
    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible { case analyze, render, album }
    public enum Status: String, Codable, Sendable, DatabaseValueConvertible { case queued, running, done, failed, cancelled }

    /// Still to finish (queued or running).
    public var isActive: Bool { status == .queued || status == .running }
}

/// One render of the album (schema v3): the songs in their order, the settings, and what came of it. The
/// masters, their sessions and `album.headroom.json` are files in `album/ID/`.
public struct AlbumRenderRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "albumRender"
    public var id: String
    public var createdAt: Date
    public var status: RenderRecord.Status
    public var error: String?
    public var settingsJSON: String
    /// The songs' ids in album order (JSON array).
    public var songIDsJSON: String
    public var loudnessSpreadBeforeLU: Double?
    public var loudnessSpreadAfterLU: Double?
    public var tonalSpreadBeforeDB: Double?
    public var tonalSpreadAfterDB: Double?

    public var songIDs: [String] { (try? JSONDecoder().decode([String].self, from: Data(songIDsJSON.utf8))) ?? [] }
}

/// What a render's record (a song's or the album's) says of how it ended.
protocol RenderOutcome: PersistableRecord, Sendable {
    var status: RenderRecord.Status { get set }
    var error: String? { get set }
}
extension RenderRecord: RenderOutcome {}
extension AlbumRenderRecord: RenderOutcome {}
