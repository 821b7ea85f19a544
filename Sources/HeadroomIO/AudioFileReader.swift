import CSndFile
import Foundation
import HeadroomDSP

/// Reads audio files through libsndfile into planar `Float` buffers, refusing anything Headroom
/// cannot master with a one-line reason.
public enum AudioFileReader {
    /// Sample rates accepted, in Hz.
    public static let supportedSampleRates: ClosedRange<Double> = 8_000...384_000
    /// Refuse files whose decoded audio would exceed this many bytes when they are read into memory
    /// (planar Float); read block by block without keeping them, files of any length are read.
    public static let maxDecodedBytes = 6 << 30
    /// Frames reserved per byte of file before decoding: generous for lossless (PCM holds under one frame a
    /// byte, FLAC of quiet music a few) so a real mix never reallocates; lossy files may grow past it.
    static let plausibleFramesPerByte = 16
    /// The largest float sample taken (+24 dBFS): a float print a little over full scale is a mix to master;
    /// far beyond it (1e20, say) it is a broken export whose numbers would overflow every meter.
    public static let maxFloatSample: Float = 16
    private static let chunkFrames = 1 << 16
    /// The most frames `forEachBlock` hands over at once.
    public static var blockFrames: Int { chunkFrames }

    /// The file's text tags (empty when it has none or cannot be opened).
    public static func readTags(path: String) -> AudioTags {
        var sfinfo = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &sfinfo) else { return AudioTags() }
        defer { sf_close(file) }
        return AudioTags.read(from: file)
    }

    /// Reads the whole file.
    /// - Throws: `AudioFileError` naming the file and the problem.
    public static func read(path: String) throws -> (buffer: AudioBuffer, info: InputFile) {
        try checkReadable(path)
        return try QuietDecoder.run(path) {
            var channels: [[Float]] = []
            let info = try decode(path: path, maxBytes: maxDecodedBytes, reserve: { count, frames, _ in
                channels = (0..<count).map { _ in var c = [Float](); c.reserveCapacity(frames); return c }
            }, { block in
                for c in block.indices { channels[c].append(contentsOf: block[c]) }
            })
            return (AudioBuffer(sampleRate: info.sampleRateHz, channels: channels), info)
        }
    }

    /// Reads the file block by block (planar, up to `blockFrames` at a time) without keeping it: what
    /// `read` refuses, this refuses with the same words, possibly after some blocks were handed over.
    /// `expecting` is told, before the first block, the channels, the frames the file says it holds (for a
    /// progress bar) and the sample rate. `maxDecodedBytes`: refuse a file longer than this (a caller that
    /// keeps the blocks); nil reads any length.
    public static func forEachBlock(path: String, maxDecodedBytes: Int? = nil,
                                    expecting: (_ channels: Int, _ frames: Int, _ sampleRate: Double) -> Void = { _, _, _ in },
                                    _ body: ([UnsafeBufferPointer<Float>]) throws -> Void) throws -> InputFile {
        try checkReadable(path)
        return try QuietDecoder.run(path) { try decode(path: path, maxBytes: maxDecodedBytes, reserve: expecting, body) }
    }

    /// libsndfile's reasons, in words that say what is wrong with the file.
    static func reason(_ libsndfile: String) -> String {
        if libsndfile.contains("possibly a pipe") || libsndfile.contains("Format not recognised") {
            return "unknown format or damaged header"
        }
        return libsndfile
    }

    /// Opens, checks and decodes `path`: `reserve(channels, frames, sampleRate)` once with a plausible
    /// length, then `body` with each block, planar.
    private static func decode(path: String, maxBytes: Int?, reserve: (Int, Int, Double) -> Void,
                               _ body: ([UnsafeBufferPointer<Float>]) throws -> Void) throws -> InputFile {
        var sfinfo = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &sfinfo) else {
            let reason = reason(String(cString: sf_strerror(nil)))
            throw AudioFileError(.notAudio, path: path, "not an audio file Headroom can read (\(reason))")
        }
        defer { sf_close(file) }

        let channelCount = Int(sfinfo.channels)
        let sampleRate = Double(sfinfo.samplerate)
        guard channelCount == 1 || channelCount == 2 else {
            throw AudioFileError(.unsupportedChannels, path: path,
                                 "has \(channelCount) channels; Headroom masters mono or stereo mixes only (print a stereo mix)")
        }
        guard supportedSampleRates.contains(sampleRate) else {
            throw AudioFileError(.unsupportedSampleRate, path: path,
                                 "sample rate \(Int(sampleRate)) Hz is outside the supported 8 kHz to 384 kHz")
        }
        let declaredFrames = Int(sfinfo.frames)
        guard declaredFrames > 0 else {
            throw AudioFileError(.noAudio, path: path, "contains no audio (0 frames)")
        }
        if let maxBytes, declaredFrames < Int(Int64.max / 2), declaredFrames * channelCount * 4 > maxBytes {
            let gib = Double(declaredFrames * channelCount * 4) / Double(1 << 30)
            throw AudioFileError(.tooLarge, path: path,
                                 String(format: "too large: %.1f GiB decoded, the limit is %d GiB in memory", gib, maxBytes >> 30))
        }
        if let note = truncationNote(file) {
            throw AudioFileError(.truncated, path: path, "is truncated (\(note)); re-export the mix")
        }
        // Normalize integer formats to [-1, 1); leave float files as they are (they may exceed 1.0).
        sf_command(file, Int32(SFC_SET_NORM_FLOAT), nil, Int32(SF_TRUE))

        // The declared length is the header's word, not the file's (a damaged Ogg page can claim 2^62
        // frames): reserve what the file could plausibly hold and let the arrays grow past it.
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let plausibleFrames = min(declaredFrames, (maxBytes ?? maxDecodedBytes) / (4 * channelCount),
                                  max(1 << 16, fileBytes.multipliedReportingOverflow(by: plausibleFramesPerByte).partialValue))
        reserve(channelCount, plausibleFrames, sampleRate)
        var planar = [[Float]](repeating: [Float](repeating: 0, count: chunkFrames), count: channelCount)
        var interleaved = [Float](repeating: 0, count: chunkFrames * channelCount)
        var total = 0
        while true {
            let got = interleaved.withUnsafeMutableBufferPointer {
                Int(sf_readf_float(file, $0.baseAddress, sf_count_t(chunkFrames)))
            }
            if got <= 0 { break }
            let bad = interleaved.withUnsafeBufferPointer {
                Interleaving.deinterleave($0, frames: got, into: &planar, limit: maxFloatSample)
            }
            if let i = bad {
                let seconds = String(format: "%.3f", Double(total + i / channelCount) / sampleRate)
                let v = interleaved[i]
                if v.isFinite {
                    throw AudioFileError(.nonFiniteSamples, path: path,
                                         "has samples far beyond full scale (\(String(format: "%+.0f", 20 * log10(Double(abs(v))))) dBFS, first at \(seconds) s); a float mix must stay within +24 dBFS: re-export it turned down")
                }
                throw AudioFileError(.nonFiniteSamples, path: path,
                                     "contains \(v.isNaN ? "NaN" : "infinite") samples (first at \(seconds) s); re-export the mix")
            }
            total += got
            if let maxBytes, total * channelCount * 4 > maxBytes {
                throw AudioFileError(.tooLarge, path: path, "too large: more than \(maxBytes >> 30) GiB decoded, the limit in memory")
            }
            try AudioBuffer(sampleRate: sampleRate, channels: planar).withChannelPointers(0..<got, body)
        }
        if sf_error(file) != 0 || (total < declaredFrames && declaredFrames < Int(Int64.max / 2)) {
            let reason = sf_error(file) != 0 ? String(cString: sf_strerror(file)) : "decoding stopped early"
            throw AudioFileError(.truncated, path: path,
                                 "is truncated or damaged: \(total) of \(declaredFrames) frames decoded (\(reason))")
        }
        guard total > 0 else { throw AudioFileError(.noAudio, path: path, "contains no audio (0 frames)") }
        return InputFile(path: path, format: describeSndfileFormat(sfinfo.format), sampleRateHz: sampleRate,
                         channelCount: channelCount, frameCount: total)
    }

    /// Stretches of a file Headroom wrote (a staged master, read back for the codec check): `length` frames
    /// from each start, planar, at the file's rate.
    public static func readWindows(path: String, starts: [Int], length: Int) throws -> [AudioBuffer] {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw AudioFileError(.unreadable, path: path, "cannot be read back (\(String(cString: sf_strerror(nil))))")
        }
        defer { sf_close(file) }
        sf_command(file, Int32(SFC_SET_NORM_FLOAT), nil, Int32(SF_TRUE))
        let channels = Int(info.channels)
        var interleaved = [Float](repeating: 0, count: length * channels)
        return try starts.map { start in
            guard sf_seek(file, sf_count_t(start), SEEK_SET) == sf_count_t(start) else {
                throw AudioFileError(.truncated, path: path, "cannot be read back at frame \(start)")
            }
            let got = interleaved.withUnsafeMutableBufferPointer { Int(sf_readf_float(file, $0.baseAddress, sf_count_t(length))) }
            guard got == length else { throw AudioFileError(.truncated, path: path, "ends before frame \(start + length)") }
            let planar = (0..<channels).map { c in (0..<length).map { interleaved[$0 * channels + c] } }
            return AudioBuffer(sampleRate: Double(info.samplerate), channels: planar)
        }
    }

    /// Checks that `path` is a readable regular file (not a folder, FIFO or device), without reading it.
    public static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioFileError(.notFound, path: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw AudioFileError(.notAFile, path: path, "is a folder, not an audio file") }
        var st = stat()
        if stat(path, &st) == 0 && st.st_mode & S_IFMT != S_IFREG {
            throw AudioFileError(.notAFile, path: path, "is not a regular file (a pipe, FIFO or device); give an audio file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw AudioFileError(.unreadable, path: path, "cannot be read (permission denied)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw AudioFileError(.empty, path: path, "is empty (0 bytes)") }
    }

    /// libsndfile reads a WAV/AIFF whose data chunk is cut short without complaint and shortens the
    /// frame count; its log says so. Returns that note, if any.
    private static func truncationNote(_ file: OpaquePointer) -> String? {
        var log = [CChar](repeating: 0, count: 4096)
        sf_command(file, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // e.g. "data : 529200 (should be 199920)": the data chunk claims more bytes than the file holds.
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("data ") || t.hasPrefix("SSND ") else { continue }
            let numbers = t.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            // A header written before its length was known (ffmpeg to a pipe) says 0xFFFFFFFF (or 0): the file
            // holds what it holds, not a cut.
            let unknownLength = numbers.first.map { $0 == 0xFFFF_FFFF || $0 == 0xFFFF_FFFF - 8 || $0 == 0 } ?? false
            if t.contains("should be"), numbers.count >= 2, numbers[0] > numbers[1], !unknownLength {
                return "its header promises \(numbers[0]) bytes of audio, the file holds \(numbers[1])"
            }
        }
        return nil
    }
}

