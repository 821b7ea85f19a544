import Foundation
import GRDB
import HeadroomSession

extension Studio {
    /// Drops a note at `timeSeconds` (within the song).
    public func addNote(songID: String, timeSeconds: Double, text: String) throws -> NoteRecord {
        guard let song = try store.song(songID) else { throw JobError.usage("no such song") }
        let clean = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !clean.isEmpty, clean.count <= 2000 else { throw JobError.usage("a note needs 1 to 2000 characters") }
        guard timeSeconds.isFinite, timeSeconds >= 0, timeSeconds <= (song.durationSeconds ?? .greatestFiniteMagnitude) + 0.5 else {
            throw JobError.usage("the note's time is outside the song")
        }
        let note = NoteRecord(id: Store.newID(), songID: songID, timeSeconds: timeSeconds, text: clean, done: false, createdAt: Date())
        try store.save(note)
        return note
    }

    public func setNote(songID: String, noteID: String, done: Bool?, text: String?) throws -> NoteRecord {
        guard var note = try store.read({ try NoteRecord.fetchOne($0, key: noteID) }), note.songID == songID else {
            throw JobError.usage("no such note")
        }
        if let done { note.done = done }
        if let text {
            let clean = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !clean.isEmpty, clean.count <= 2000 else { throw JobError.usage("a note needs 1 to 2000 characters") }
            note.text = clean
        }
        try store.save(note)
        return note
    }

    public func deleteNote(songID: String, noteID: String) throws {
        _ = try store.write { db in try NoteRecord.filter(Column("id") == noteID && Column("songID") == songID).deleteAll(db) }
    }

    /// Chooses another song of the library as this song's reference (nil: none).
    public func setReference(songID: String, referenceID: String?) throws {
        guard var song = try store.song(songID) else { throw JobError.usage("no such song") }
        if let referenceID {
            guard referenceID != songID else { throw JobError.usage("a song cannot be its own reference") }
            guard let ref = try store.song(referenceID), ref.status == .ready else { throw JobError.usage("the reference must be an analyzed song of the library") }
        }
        song.referenceID = referenceID
        try store.save(song)
    }

    /// Ticks (or unticks) a checklist item of the song's analysis.
    public func tick(songID: String, itemID: Int, done: Bool) throws {
        let a = try analysis(songID)
        guard a.checklist.items.contains(where: { $0.id == itemID }) else { throw JobError.usage("no checklist item #\(itemID)") }
        try store.save(TickRecord(songID: songID, itemID: itemID, done: done))
    }
}
