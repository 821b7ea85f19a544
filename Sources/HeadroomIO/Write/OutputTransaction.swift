import Foundation
import HeadroomDSP

/// Files that are one deliverable (a master, its session, a pre-limiter print): each is written whole to a
/// temporary file beside its target, and only when all of them are written are they renamed into place,
/// so no failure (a full disk, an encoding error, a signal) leaves a master without its session or a
/// half-written file. Targets are checked before anything is written:
/// - never an input (`protecting`), never the same target twice;
/// - an existing regular file is replaced only with `.overwrite`; a symlink, FIFO, device or folder never;
/// - the folder must exist (or is created when the first file is written, with `createFolders`) and be
///   writable.
public final class OutputTransaction {
    public let existing: AudioFileWriter.ExistingFile
    public let protecting: [String]
    public let createFolders: Bool
    private var staged: [(temp: String, target: String)] = []
    private var targets: [String] = []
    private var finished = false

    public init(existing: AudioFileWriter.ExistingFile = .keep, protecting: [String] = [], createFolders: Bool = false) {
        self.existing = existing; self.protecting = protecting; self.createFolders = createFolders
    }

    deinit { if !finished { rollback() } }

    /// Checks that `path` may be written (see the type's rules) without writing anything.
    public func check(_ path: String) throws {
        for input in protecting where AudioFileWriter.sameFile(input, path) {
            throw AudioFileError(.sameAsInput, path: path, "is an input file; Headroom never overwrites its inputs (choose another output path)")
        }
        if targets.contains(where: { AudioFileWriter.sameFile($0, path) }) {
            throw AudioFileError(.unwritable, path: path, "is named twice as an output (each output needs its own path)")
        }
        var st = stat()
        if lstat(path, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                if existing == .keep { throw AudioFileError(.exists, path: path, "already exists (kept; use --force to replace it)") }
            case S_IFDIR: throw AudioFileError(.unwritable, path: path, "is a folder")
            case S_IFLNK: throw AudioFileError(.unwritable, path: path, "is a symbolic link; Headroom replaces only regular files (remove it or choose another path)")
            default: throw AudioFileError(.unwritable, path: path, "is a device, FIFO or socket, not a regular file; Headroom replaces only regular files")
            }
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard createFolders else { throw AudioFileError(.unwritable, path: path, "folder \(folder) does not exist") }
            return  // created when the file is written
        }
        guard isDirectory.boolValue else { throw AudioFileError(.unwritable, path: path, "\(folder) is not a folder") }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw AudioFileError(.unwritable, path: path, "cannot write in folder \(folder) (permission denied)")
        }
    }

    /// Checks every path first (nothing is written when one fails).
    public func checkAll(_ paths: [String]) throws {
        for p in paths { try check(p); targets.append(p) }
        targets.removeLast(paths.count)
    }

    /// Writes audio to `path`'s temporary file.
    public func addAudio(_ buffer: AudioBuffer, to path: String, format: AudioFileFormat, ditherSeed: UInt64? = nil,
                         tags: AudioTags = AudioTags()) throws {
        try stage(path) { temp in
            try AudioFileWriter.writeFile(buffer, to: temp, format: format, reportedPath: path, ditherSeed: ditherSeed, tags: tags)
        }
    }

    /// Opens `path`'s temporary file for audio written block by block; the caller writes every block and
    /// calls `finish` before `commit` (a failure in between: `rollback`).
    public func addAudioStream(to path: String, format: AudioFileFormat, sampleRate: Double, channelCount: Int,
                               ditherSeed: UInt64? = nil, tags: AudioTags = AudioTags()) throws -> AudioFileWriter.Stream {
        var stream: AudioFileWriter.Stream?
        try stage(path) { temp in
            stream = try AudioFileWriter.Stream(to: temp, format: format, sampleRate: sampleRate, channelCount: channelCount,
                                                reportedPath: path, ditherSeed: ditherSeed, tags: tags)
        }
        return stream!
    }

    /// Writes bytes (a session, a report) to `path`'s temporary file.
    public func addData(_ data: Data, to path: String) throws {
        try stage(path) { temp in
            guard let handle = FileHandle(forWritingAtPath: temp) ?? {
                FileManager.default.createFile(atPath: temp, contents: nil) ? FileHandle(forWritingAtPath: temp) : nil
            }() else {
                throw AudioFileError(.unwritable, path: path, "cannot be created")
            }
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw AudioFileError(.writeFailed, path: path, "write failed (disk full?); nothing was left behind")
            }
        }
    }

    private func stage(_ path: String, _ write: (String) throws -> Void) throws {
        do {
            try check(path)
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if createFolders && !FileManager.default.fileExists(atPath: folder) {
                do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                    throw AudioFileError(.unwritable, path: path, "cannot create the folder \(folder)")
                }
            }
            TemporaryFiles.removeStale(for: path)
            let temp = TemporaryFiles.name(for: path)
            TemporaryFiles.register(temp)
            staged.append((temp, path))
            targets.append(path)
            try write(temp)
        } catch {
            rollback()
            throw error
        }
    }

    /// Removes what was staged for `target` (to write it again from the start); other files stay staged.
    public func discard(_ target: String) {
        guard let i = staged.firstIndex(where: { $0.target == target }) else { return }
        TemporaryFiles.discard(staged[i].temp)
        staged.remove(at: i)
        targets.removeAll { $0 == target }
    }

    /// The temporary file staged for `target` (to read back what will be delivered), if any.
    public func stagedPath(for target: String) -> String? { staged.first { $0.target == target }?.temp }

    /// Renames every staged file into place, in the order they were added.
    /// A signal arriving meanwhile waits until every file is in place (its clean-up then exits).
    public func commit() throws {
        finished = true
        try TemporaryFiles.committing {
            for (i, s) in staged.enumerated() {
                if rename(s.temp, s.target) != 0 {
                    let reason = String(cString: strerror(errno))
                    for later in staged[i...] { TemporaryFiles.discard(later.temp) }
                    throw AudioFileError(.writeFailed, path: s.target, "could not move the finished file into place (\(reason))")
                }
                TemporaryFiles.committed(s.temp)
            }
        }
    }

    /// Removes every staged temporary file; no target is touched.
    public func rollback() {
        finished = true
        for s in staged { TemporaryFiles.discard(s.temp) }
        staged.removeAll()
    }
}
