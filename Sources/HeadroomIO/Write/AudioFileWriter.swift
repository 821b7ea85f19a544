import CSndFile
import Foundation
import HeadroomDSP

/// Writes audio files atomically: into a temporary file in the target folder, then renamed into place
/// (one file; `OutputTransaction` writes several as one). On any failure the temporary file is removed and
/// an existing target is untouched.
public enum AudioFileWriter {
    /// What to do when the target exists.
    public enum ExistingFile: Sendable { case keep, overwrite }

    /// Writes `buffer` to `path`.
    /// - Parameters:
    ///   - protecting: input files that must never be overwritten, whatever `existing` says.
    /// - Throws: `AudioFileError` naming the file and the problem.
    ///   - ditherSeed: for 16- and 24-bit PCM, add TPDF dither seeded with this value before rounding
    ///     (nil: plain rounding). Headroom quantizes itself, so the integers in the file are exactly these.
    public static func write(_ buffer: AudioBuffer, to path: String, format: AudioFileFormat,
                             existing: ExistingFile = .keep, protecting inputs: [String] = [],
                             ditherSeed: UInt64? = nil, tags: AudioTags = AudioTags()) throws {
        let transaction = OutputTransaction(existing: existing, protecting: inputs)
        try transaction.addAudio(buffer, to: path, format: format, ditherSeed: ditherSeed, tags: tags)
        try transaction.commit()
    }

    static func writeFile(_ buffer: AudioBuffer, to temp: String, format: AudioFileFormat,
                          reportedPath: String, ditherSeed: UInt64?, tags: AudioTags = AudioTags()) throws {
        let stream = try Stream(to: temp, format: format, sampleRate: buffer.sampleRate, channelCount: buffer.channelCount,
                                reportedPath: reportedPath, ditherSeed: ditherSeed, tags: tags)
        try buffer.withChannelPointers(0..<buffer.frameCount) { try stream.write($0) }
        try stream.finish()
    }

    /// A file written block by block (a master as it is rendered), with the same bytes as writing the whole
    /// buffer at once: the dither runs on across blocks. `finish` completes the file; a stream dropped
    /// unfinished closes it as it is (its owner discards the temporary file).
    public final class Stream {
        let file: OpaquePointer
        let reportedPath: String
        let channels: Int
        let pcm: Bool
        let bits: Int
        var dithers: [TPDFDither?]
        var interleaved: [Float]
        var interleavedInt: [Int32]
        var quantized: [Int32]
        var closed = false
        public private(set) var framesWritten = 0
        static let chunk = 1 << 15

        init(to temp: String, format: AudioFileFormat, sampleRate: Double, channelCount: Int, reportedPath: String,
             ditherSeed: UInt64?, tags: AudioTags) throws {
            guard format.isValid else {
                throw AudioFileError(.unsupportedFormat, path: reportedPath, "\(format.container.rawValue.uppercased()) cannot hold \(format.sample.rawValue)-bit samples")
            }
            var info = SF_INFO()
            info.samplerate = Int32(sampleRate.rounded())
            info.channels = Int32(channelCount)
            info.format = format.sndfileFormat
            guard sf_format_check(&info) == SF_TRUE else {
                throw AudioFileError(.unsupportedFormat, path: reportedPath,
                                     "\(format) cannot be written at \(Int(sampleRate)) Hz with \(channelCount) channel(s)")
            }
            guard let file = sf_open(temp, Int32(SFM_WRITE), &info) else {
                throw AudioFileError(.unwritable, path: reportedPath, "cannot be created (\(String(cString: sf_strerror(nil))))")
            }
            self.file = file
            self.reportedPath = reportedPath
            channels = channelCount
            sf_command(file, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
            if format.container.isLossy {
                if format.container == .mp3 && format.constantBitrate {
                    var mode = Int32(SF_BITRATE_MODE_CONSTANT)
                    sf_command(file, Int32(SFC_SET_BITRATE_MODE), &mode, Int32(MemoryLayout<Int32>.size))
                }
                var level = format.compressionLevel
                if format.container == .mp3 && format.constantBitrate, let kbps = format.bitrateKbps {
                    level = AudioFileFormat.mp3CompressionLevel(kbps: kbps, sampleRate: sampleRate)
                }
                sf_command(file, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size))
            }
            tags.write(to: file)
            pcm = !format.container.isLossy && format.sample != .float32
            bits = format.sample == .int16 ? 16 : 24
            dithers = (0..<channelCount).map { c in ditherSeed.map { TPDFDither(seed: $0 &+ UInt64(c)) } }
            interleaved = [Float](repeating: 0, count: pcm ? 0 : Self.chunk * channelCount)
            interleavedInt = [Int32](repeating: 0, count: pcm ? Self.chunk * channelCount : 0)
            quantized = [Int32](repeating: 0, count: pcm ? Self.chunk : 0)
        }

        deinit { if !closed { sf_close(file) } }

        /// Writes frames: one buffer per channel, all of the same length.
        public func write(_ block: [UnsafeBufferPointer<Float>]) throws {
            precondition(block.count == channels)
            let total = block[0].count
            var start = 0
            while start < total {
                let n = min(Self.chunk, total - start)
                for c in 0..<channels {
                    let src = UnsafeBufferPointer(rebasing: block[c][start..<(start + n)])
                    if pcm {
                        quantized.withUnsafeMutableBufferPointer { q in
                            Quantizer.quantize(src, bits: bits, dither: &dithers[c], into: UnsafeMutableBufferPointer(rebasing: q[0..<n]))
                        }
                        let shift = Int32(32 - bits)
                        interleavedInt.withUnsafeMutableBufferPointer { out in
                            quantized.withUnsafeBufferPointer { q in for i in 0..<n { out[i * channels + c] = q[i] << shift } }
                        }
                    } else {
                        interleaved.withUnsafeMutableBufferPointer { out in for i in 0..<n { out[i * channels + c] = src[i] } }
                    }
                }
                let written = pcm
                    ? interleavedInt.withUnsafeBufferPointer { Int(sf_writef_int(file, $0.baseAddress, sf_count_t(n))) }
                    : interleaved.withUnsafeBufferPointer { Int(sf_writef_float(file, $0.baseAddress, sf_count_t(n))) }
                guard written == n else {
                    throw AudioFileError(.writeFailed, path: reportedPath, "write failed after \(framesWritten + max(0, written)) frames (\(String(cString: sf_strerror(file)))); no file was left behind")
                }
                framesWritten += n
                start += n
            }
        }

        /// Completes the file (flushed to disk).
        public func finish() throws {
            sf_write_sync(file)
            closed = true
            guard sf_close(file) == 0 else {
                throw AudioFileError(.writeFailed, path: reportedPath, "could not finish the file (disk full?); no file was left behind")
            }
        }
    }

    /// Whether two paths name the same file (same device and inode, or the same resolved path).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        let ra = URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
        let rb = URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
        return ra == rb
    }
}
