import Foundation
import GRDB

/// The studio's library: a folder with `library.sqlite` (songs, notes, ticks, renders, jobs; migrations)
/// and one folder per song for its audio, analysis and renders. Nothing is written outside this folder.
public final class Store: Sendable {
    public let folder: URL
    let db: DatabaseQueue

    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("songs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("incoming"), withIntermediateDirectories: true)
        db = try DatabaseQueue(path: folder.appendingPathComponent("library.sqlite").path)
        try Self.migrator.migrate(db)
        // Work that was running when the server stopped will not finish: say so.
        try db.write { db in
            try db.execute(sql: "UPDATE job SET status = 'failed', message = 'interrupted: the studio stopped' WHERE status IN ('queued', 'running')")
            try db.execute(sql: "UPDATE song SET status = 'failed', error = 'analysis interrupted: the studio stopped' WHERE status = 'analyzing'")
            try db.execute(sql: "UPDATE render SET status = 'failed', error = 'interrupted: the studio stopped' WHERE status = 'rendering'")
            try db.execute(sql: "UPDATE albumRender SET status = 'failed', error = 'interrupted: the studio stopped' WHERE status = 'rendering'")
        }
    }

    /// The schema, one migration per change (v1: songs, notes, ticks, renders, jobs; v2: a song's reference).
    public static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "song") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("audioPath", .text).notNull()
                t.column("referenced", .boolean).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("status", .text).notNull()
                t.column("error", .text)
                t.column("durationSeconds", .double)
                t.column("integratedLUFS", .double)
                t.column("albumPosition", .integer)
            }
            try db.create(table: "note") { t in
                t.primaryKey("id", .text)
                t.column("songID", .text).notNull().references("song", onDelete: .cascade)
                t.column("timeSeconds", .double).notNull()
                t.column("text", .text).notNull()
                t.column("done", .boolean).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "tick") { t in
                t.column("songID", .text).notNull().references("song", onDelete: .cascade)
                t.column("itemID", .integer).notNull()
                t.column("done", .boolean).notNull()
                t.primaryKey(["songID", "itemID"])
            }
            try db.create(table: "render") { t in
                t.primaryKey("id", .text)
                t.column("songID", .text).notNull().references("song", onDelete: .cascade)
                t.column("createdAt", .datetime).notNull()
                t.column("status", .text).notNull()
                t.column("error", .text)
                t.column("settingsJSON", .text).notNull()
                t.column("targetName", .text)
                t.column("integratedLUFS", .double)
                t.column("truePeakDBTP", .double)
                t.column("targetHit", .boolean)
                t.column("ceilingHeld", .boolean)
            }
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("songID", .text).notNull().references("song", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("renderID", .text)
                t.column("status", .text).notNull()
                t.column("step", .text).notNull()
                t.column("fraction", .double).notNull()
                t.column("message", .text)
                t.column("createdAt", .datetime).notNull()
            }
        }
        m.registerMigration("v2: a song's reference") { db in
            try db.alter(table: "song") { t in t.add(column: "referenceID", .text) }
        }
        m.registerMigration("v3: album renders") { db in
            try db.create(table: "albumRender") { t in
                t.primaryKey("id", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("status", .text).notNull()
                t.column("error", .text)
                t.column("settingsJSON", .text).notNull()
                t.column("songIDsJSON", .text).notNull()
                t.column("loudnessSpreadBeforeLU", .double)
                t.column("loudnessSpreadAfterLU", .double)
                t.column("tonalSpreadBeforeDB", .double)
                t.column("tonalSpreadAfterDB", .double)
            }
        }
        return m
    }

    // MARK: Folders (addressed by id, never by a client-given path)

    public func songFolder(_ id: String) -> URL { folder.appendingPathComponent("songs").appendingPathComponent(Self.safe(id)) }
    public func renderFolder(song: String, render: String) -> URL {
        songFolder(song).appendingPathComponent("renders").appendingPathComponent(Self.safe(render))
    }
    public var incoming: URL { folder.appendingPathComponent("incoming") }
    public func albumFolder(_ render: String) -> URL { folder.appendingPathComponent("album").appendingPathComponent(Self.safe(render)) }

    /// Ids are UUIDs made here; anything else is refused before it reaches a path.
    static func safe(_ id: String) -> String {
        UUID(uuidString: id) != nil ? id.uppercased() : "invalid"
    }

    public static func newID() -> String { UUID().uuidString }

    // MARK: Queries

    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T { try db.read(body) }
    public func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T { try db.write(body) }

    public func song(_ id: String) throws -> SongRecord? { try db.read { try SongRecord.fetchOne($0, key: id) } }
    public func songs() throws -> [SongRecord] { try db.read { try SongRecord.order(Column("createdAt")).fetchAll($0) } }
    public func notes(song: String) throws -> [NoteRecord] {
        try db.read { try NoteRecord.filter(Column("songID") == song).order(Column("timeSeconds")).fetchAll($0) }
    }
    public func ticks(song: String) throws -> [TickRecord] {
        try db.read { try TickRecord.filter(Column("songID") == song).fetchAll($0) }
    }
    public func renders(song: String) throws -> [RenderRecord] {
        try db.read { try RenderRecord.filter(Column("songID") == song).order(Column("createdAt")).fetchAll($0) }
    }
    public func render(_ id: String) throws -> RenderRecord? { try db.read { try RenderRecord.fetchOne($0, key: id) } }
    public func job(_ id: String) throws -> JobRecord? { try db.read { try JobRecord.fetchOne($0, key: id) } }
    public func jobs(song: String) throws -> [JobRecord] {
        try db.read { try JobRecord.filter(Column("songID") == song).order(Column("createdAt")).fetchAll($0) }
    }

    /// The album's songs in order (those with a position).
    public func albumSongs() throws -> [SongRecord] {
        try db.read { try SongRecord.filter(Column("albumPosition") != nil).order(Column("albumPosition")).fetchAll($0) }
    }
    public func albumRenders() throws -> [AlbumRenderRecord] {
        try db.read { try AlbumRenderRecord.order(Column("createdAt")).fetchAll($0) }
    }
    public func albumRender(_ id: String) throws -> AlbumRenderRecord? { try db.read { try AlbumRenderRecord.fetchOne($0, key: id) } }
    /// Album jobs (kind album), newest last.
    public func albumJobs() throws -> [JobRecord] {
        try db.read { try JobRecord.filter(Column("kind") == JobRecord.Kind.album.rawValue).order(Column("createdAt")).fetchAll($0) }
    }

    /// Puts `songIDs` on the album in this order (1, 2, ...) and takes every other song off it.
    public func setAlbumOrder(_ songIDs: [String]) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE song SET albumPosition = NULL")
            for (i, id) in songIDs.enumerated() {
                try db.execute(sql: "UPDATE song SET albumPosition = ? WHERE id = ?", arguments: [i + 1, id])
            }
        }
    }

    public func save<R: PersistableRecord & Sendable>(_ record: R) throws { try db.write { try record.save($0) } }

    public func deleteSong(_ id: String) throws {
        _ = try db.write { try SongRecord.deleteOne($0, key: id) }
        try? FileManager.default.removeItem(at: songFolder(id))
    }
}
