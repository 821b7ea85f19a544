import Foundation
import HeadroomAnalysis
import HeadroomDSP
import HeadroomIO
import HeadroomMastering
import HeadroomSession

/// What the page's album controls ask of an album render (the same ranges as `headroom album`).
public struct AlbumSettings: Codable, Sendable, Equatable {
    public var target: String = "spotify"
    public var lufs: Double?
    public var ceiling: Double?
    public var keepOffset = 0.5
    public var albumEQ = 0.5
    public var evenOut = Planner.defaultEvenOut

    public init() {}

    enum CodingKeys: String, CodingKey { case target, lufs, ceiling, keepOffset, albumEQ, evenOut }

    /// Missing keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        target = try c.decodeIfPresent(String.self, forKey: .target) ?? target
        lufs = try c.decodeIfPresent(Double.self, forKey: .lufs)
        ceiling = try c.decodeIfPresent(Double.self, forKey: .ceiling)
        keepOffset = try c.decodeIfPresent(Double.self, forKey: .keepOffset) ?? keepOffset
        albumEQ = try c.decodeIfPresent(Double.self, forKey: .albumEQ) ?? albumEQ
        evenOut = try c.decodeIfPresent(Double.self, forKey: .evenOut) ?? evenOut
    }

    public func validate() throws {
        var r = RenderSettings()
        r.target = target; r.lufs = lufs; r.ceiling = ceiling; r.evenOut = evenOut
        try r.validate()
        for (name, v) in [("keep offset", keepOffset), ("album EQ", albumEQ)] where !(v.isFinite && (0.0...1.0).contains(v)) {
            throw JobError.usage("\(name) must be between 0 and 1")
        }
    }

    var options: AlbumPlanner.Options {
        var r = RenderSettings()
        r.target = target; r.lufs = lufs; r.ceiling = ceiling
        var o = AlbumPlanner.Options(target: r.loudnessTarget)
        o.keepOffset = keepOffset; o.eqAmount = albumEQ; o.evenOut = evenOut
        return o
    }
}

/// The page's album: the songs in order with their loudness and tone against the album's average, the
/// spreads, and the album renders with their reports.
public struct AlbumView: Codable, Sendable {
    public struct Track: Codable, Sendable {
        public var songID: String
        public var name: String
        public var position: Int
        public var durationSeconds: Double
        public var integratedLUFS: Double
        public var loudestSectionLUFS: Double
        public var loudnessRangeLU: Double
        /// Mean |difference| of the track's 1/3-octave balance from the album's average (dB, 40 Hz–16 kHz).
        public var toneDistanceDB: Double
        /// The six regions' deviation from the album average (dB), for the page's bars.
        public var regionsDB: [String: Double]
    }
    public struct Render: Codable, Sendable {
        public var record: AlbumRenderRecord
        public var report: AlbumReport?
    }
    public var tracks: [Track]
    /// Loudest minus quietest integrated loudness (LU) and the mean over bands of the tracks' standard deviation
    /// of their tonal balance (dB), before mastering.
    public var loudnessSpreadLU: Double
    public var tonalSpreadDB: Double
    public var renders: [Render]
    public var jobs: [JobRecord]
    /// The seconds of each track a transition plays.
    public var transitionSeconds: Double
}

extension Studio {
    /// Seconds of the end of one track and of the start of the next in a transition.
    public static let transitionSeconds = 8.0

    /// Puts songs on the album in this order; every one must be analyzed.
    public func setAlbum(_ songIDs: [String]) throws {
        guard Set(songIDs).count == songIDs.count else { throw JobError.usage("a song is on the album twice") }
        for id in songIDs {
            guard let s = try store.song(id) else { throw JobError.usage("no such song") }
            guard s.status == .ready else { throw JobError.usage("\(s.name) is not analyzed yet") }
        }
        try store.setAlbumOrder(songIDs)
    }

    public func albumView() throws -> AlbumView {
        let songs = try store.albumSongs()
        let analyses = try songs.map { try analysis($0.id).analysis }
        let bands = Array(TonalTarget.alignmentBands)
        let average = bands.map { b in analyses.map { $0.tonalBalance.deviationDB[b] }.reduce(0, +) / Double(max(1, analyses.count)) }
        let tracks = zip(songs, analyses).map { song, a -> AlbumView.Track in
            let dev = bands.map { a.tonalBalance.deviationDB[$0] }
            let distance = zip(dev, average).map { abs($0 - $1) }.reduce(0, +) / Double(max(1, bands.count))
            let regionAverage = Dictionary(uniqueKeysWithValues: a.tonalBalance.regions.map { r in
                (r.name, r.deviationDB - analyses.map { x in x.tonalBalance.regions.first { $0.name == r.name }?.deviationDB ?? 0 }.reduce(0, +) / Double(analyses.count))
            })
            return AlbumView.Track(songID: song.id, name: song.name, position: song.albumPosition ?? 0, durationSeconds: a.durationSeconds,
                                   integratedLUFS: a.loudness.integratedLUFS, loudestSectionLUFS: a.loudestSection.integratedLUFS,
                                   loudnessRangeLU: a.loudness.loudnessRangeLU, toneDistanceDB: (distance * 100).rounded() / 100,
                                   regionsDB: regionAverage.mapValues { ($0 * 10).rounded() / 10 })
        }
        let lufs = tracks.map(\.integratedLUFS)
        let spread = bands.map { b -> Double in
            let v = analyses.map { $0.tonalBalance.deviationDB[b] }
            let mean = v.reduce(0, +) / Double(max(1, v.count))
            return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, v.count))).squareRoot()
        }.reduce(0, +) / Double(bands.count)
        let renders = try store.albumRenders().map { r in
            AlbumView.Render(record: r, report: r.status == .done ? try? albumReport(r.id) : nil)
        }
        return AlbumView(tracks: tracks, loudnessSpreadLU: (lufs.max() ?? 0) - (lufs.min() ?? 0), tonalSpreadDB: (spread * 100).rounded() / 100,
                         renders: renders, jobs: try store.albumJobs(), transitionSeconds: Self.transitionSeconds)
    }

    public func albumReport(_ renderID: String) throws -> AlbumReport {
        try JSONDecoder().decode(AlbumReport.self, from: Data(contentsOf: store.albumFolder(renderID).appendingPathComponent("album.headroom.json")))
    }

    /// The master of track `index` (0-based) of an album render.
    public func albumMasterPath(render: String, index: Int) throws -> String {
        guard let r = try store.albumRender(render), r.status == .done else { throw JobError.usage("no such album render") }
        let report = try albumReport(render)
        guard report.tracks.indices.contains(index), let output = report.tracks[index].output else { throw JobError.usage("no such track") }
        return output
    }

    /// Masters the album's songs in their order with `AlbumJob`, on the job queue.
    public func startAlbumRender(settings: AlbumSettings) throws -> (AlbumRenderRecord, JobRecord) {
        try settings.validate()
        let songs = try store.albumSongs()
        guard songs.count >= 2 else { throw JobError.usage("put at least two songs on the album first") }
        if let busy = try store.albumJobs().first(where: \.isActive) { throw JobError.usage("the album is being mastered already (job \(busy.id))") }
        let ids = String(decoding: try JSONEncoder().encode(songs.map(\.id)), as: UTF8.self)
        let render = AlbumRenderRecord(id: Store.newID(), createdAt: Date(), status: .rendering, error: nil,
                                       settingsJSON: String(decoding: try JSONEncoder().encode(settings), as: UTF8.self), songIDsJSON: ids)
        try store.save(render)
        let job = try newJob(song: songs[0].id, kind: .album, render: render.id)
        let folder = store.albumFolder(render.id)
        var albumJob = AlbumJob(tracks: songs.enumerated().map { i, s in
            AlbumJob.Track(path: s.audioPath, name: s.name,
                           output: folder.appendingPathComponent(String(format: "%02d ", i + 1) + Self.fileName(s.name) + ".wav").path)
        }, options: settings.options, format: AudioFileFormat(.wav, .int24), toolVersion: toolVersion)
        albumJob.reportPath = folder.appendingPathComponent("album.headroom.json").path
        albumJob.jobs = min(2, ProcessInfo.processInfo.activeProcessorCount)
        let token = trackCancellation(job.id)
        albumJob.cancellation = token
        let store = self.store, count = songs.count, album = albumJob
        enqueue(job.id) {
            let r = Reporter(store: store, job: job)
            let progress = AlbumProgress(count: count)
            var rec = render
            do {
                try token.check()
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let report = try album.run(progress: { p in
                    let (step, fraction) = progress.update(p)
                    r.report(step, fraction)
                })
                rec.loudnessSpreadBeforeLU = report.loudnessSpreadBeforeLU; rec.loudnessSpreadAfterLU = report.loudnessSpreadAfterLU
                rec.tonalSpreadBeforeDB = report.tonalSpreadBeforeDB; rec.tonalSpreadAfterDB = report.tonalSpreadAfterDB
                let failed = report.tracks.filter { $0.status != "mastered" }
                rec.status = failed.isEmpty ? .done : .failed
                rec.error = failed.isEmpty ? nil : failed.map { $0.error ?? $0.name }.joined(separator: "; ")
                try store.save(rec)
                r.finish(rec.error)
            } catch {
                Self.end(&rec, error, folder: folder, store: store, reporter: r)
            }
        }
        return (render, job)
    }

    /// The end of track `index` into the start of the next (`transitionSeconds` each), as a WAV: from the
    /// album render's masters, or from the mixes when `render` is nil. Made on first request and kept.
    public func transitionPath(index: Int, render: String?) throws -> String {
        let paths: [String]
        let folder: URL
        if let render {
            guard let r = try store.albumRender(render), r.status == .done else { throw JobError.usage("no such album render") }
            paths = try albumReport(render).tracks.compactMap(\.output)
            folder = store.albumFolder(render)
        } else {
            paths = try store.albumSongs().map(\.audioPath)
            folder = store.folder.appendingPathComponent("album").appendingPathComponent("mixes")
        }
        guard index >= 0, index + 1 < paths.count else { throw JobError.usage("no transition \(index + 1) → \(index + 2) on this album") }
        let out = folder.appendingPathComponent("transition-\(index + 1).wav")
        // The mixes' order can change: their transitions are made again each time.
        if render != nil, FileManager.default.fileExists(atPath: out.path) { return out.path }
        let a = try Mix.load(paths[index]).audio, b0 = try Mix.load(paths[index + 1]).audio
        let b = b0.sampleRate == a.sampleRate ? b0 : Resampler.resample(b0, to: a.sampleRate)
        let n = Int(Self.transitionSeconds * a.sampleRate)
        let tail = a.slice(max(0, a.frameCount - n)..<a.frameCount), head = b.slice(0..<min(b.frameCount, n))
        let channels = max(tail.channelCount, head.channelCount)
        func channel(_ x: AudioBuffer, _ c: Int) -> [Float] { x.channels[min(c, x.channelCount - 1)] }
        let joined = AudioBuffer(sampleRate: a.sampleRate, channels: (0..<channels).map { channel(tail, $0) + channel(head, $0) })
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try AudioFileWriter.write(joined, to: out.path, format: AudioFileFormat(.wav, .float32), existing: .overwrite)
        return out.path
    }

    /// A song's name as a file name: no folders, no control characters.
    static func fileName(_ name: String) -> String {
        let cleaned = name.map { "/\\:".contains($0) || $0.isNewline ? "-" : $0 }
        return String(String(cleaned).prefix(80))
    }
}

/// The album job's progress as one bar: the mean over tracks of where each is (the same steps as the
/// command line's bars), never moving backwards.
final class AlbumProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var done: [Double]
    static let steps: [String: Double] = [
        "analyzing": 0.05, "analyzed": 0.2, "planning": 0.25, "rendering": 0.3, "checking codecs": 0.86, "writing": 0.92, "done": 1, "failed": 1,
    ]
    init(count: Int) { done = Array(repeating: 0, count: count) }

    func update(_ p: AlbumJob.Progress) -> (String, Double) {
        lock.withLock {
            let value = p.step == "rendering" ? 0.3 + 0.55 * min(1, max(0, p.fraction ?? 0)) : Self.steps[p.step] ?? done[p.track]
            done[p.track] = max(done[p.track], value)
            let finished = done.filter { $0 >= 1 }.count
            return ("track \(min(done.count, finished + 1)) of \(done.count): \(p.step)", done.reduce(0, +) / Double(done.count))
        }
    }
}
