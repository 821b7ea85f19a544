import CSndFile

/// A file's text tags (title, artist, ...), carried from the mix into its masters. libsndfile reads and
/// writes them for WAV (LIST/INFO), AIFF, FLAC and Ogg (Vorbis comments) and MP3 (ID3).
public struct AudioTags: Sendable, Equatable, Codable {
    /// The tags Headroom carries.
    public enum Key: String, CaseIterable, Sendable, Codable {
        case title, artist, album, date, comment, genre, trackNumber = "tracknumber", copyright

        var sndfileID: Int32 {
            switch self {
            case .title: return Int32(SF_STR_TITLE)
            case .artist: return Int32(SF_STR_ARTIST)
            case .album: return Int32(SF_STR_ALBUM)
            case .date: return Int32(SF_STR_DATE)
            case .comment: return Int32(SF_STR_COMMENT)
            case .genre: return Int32(SF_STR_GENRE)
            case .trackNumber: return Int32(SF_STR_TRACKNUMBER)
            case .copyright: return Int32(SF_STR_COPYRIGHT)
            }
        }

        /// Parses a `--tag` key ("title", "track", "tracknumber", ...).
        public init?(name: String) {
            let n = name.lowercased()
            if n == "track" || n == "tracknumber" || n == "track-number" { self = .trackNumber; return }
            guard let k = Key(rawValue: n) else { return nil }
            self = k
        }
    }

    /// The tags libsndfile keeps in each container: AIFF's chunks have no album, date, genre or track; MP3's
    /// ID3 writer has no copyright frame.
    public static func keys(for container: AudioFileFormat.Container) -> [Key] {
        switch container {
        case .aiff: return [.title, .artist, .comment, .copyright]
        case .mp3: return Key.allCases.filter { $0 != .copyright }
        default: return Key.allCases
        }
    }

    public var values: [Key: String] = [:]

    public init(_ values: [Key: String] = [:]) { self.values = values }

    public subscript(_ key: Key) -> String? {
        get { values[key] }
        set { values[key] = newValue }
    }

    public var isEmpty: Bool { values.isEmpty }

    /// These tags with `other`'s values on top.
    public func merging(_ other: AudioTags) -> AudioTags {
        AudioTags(values.merging(other.values) { _, new in new })
    }

    /// Reads the tags of an open file.
    static func read(from file: OpaquePointer) -> AudioTags {
        var tags = AudioTags()
        for key in Key.allCases {
            if let s = sf_get_string(file, key.sndfileID) {
                let text = String(cString: s).trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { tags[key] = text }
            }
        }
        return tags
    }

    /// Writes the tags into a file opened for writing (before any audio: FLAC and Ogg need them first).
    func write(to file: OpaquePointer) {
        for key in Key.allCases {
            guard let text = values[key] else { continue }
            _ = sf_set_string(file, key.sndfileID, text)
        }
    }
}
