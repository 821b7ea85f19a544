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
        guard format.isValid else {
            throw AudioFileError(.unsupportedFormat, path: reportedPath, "\(format.container.rawValue.uppercased()) cannot hold \(format.sample.rawValue)-bit samples")
        }
        var info = SF_INFO()
        info.samplerate = Int32(buffer.sampleRate.rounded())
        info.channels = Int32(buffer.channelCount)
        info.format = format.sndfileFormat
        guard sf_format_check(&info) == SF_TRUE else {
            throw AudioFileError(.unsupportedFormat, path: reportedPath,
                                 "\(format) cannot be written at \(Int(buffer.sampleRate)) Hz with \(buffer.channelCount) channel(s)")
        }
        guard let file = sf_open(temp, Int32(SFM_WRITE), &info) else {
            throw AudioFileError(.unwritable, path: reportedPath, "cannot be created (\(String(cString: sf_strerror(nil))))")
        }
        var closed = false
        defer { if !closed { sf_close(file) } }
        sf_command(file, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        if format.container.isLossy {
            if format.container == .mp3 && format.constantBitrate {
                var mode = Int32(SF_BITRATE_MODE_CONSTANT)
                sf_command(file, Int32(SFC_SET_BITRATE_MODE), &mode, Int32(MemoryLayout<Int32>.size))
            }
            var level = format.compressionLevel
            if format.container == .mp3 && format.constantBitrate, let kbps = format.bitrateKbps {
                level = AudioFileFormat.mp3CompressionLevel(kbps: kbps, sampleRate: buffer.sampleRate)
            }
            sf_command(file, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size))
        }
        tags.write(to: file)
        let channels = buffer.channelCount
        let chunk = 1 << 15
        let pcm = !format.container.isLossy && format.sample != .float32
        let bits = format.sample == .int16 ? 16 : 24
        var dithers: [TPDFDither?] = (0..<channels).map { c in ditherSeed.map { TPDFDither(seed: $0 &+ UInt64(c)) } }
        var interleaved = [Float](repeating: 0, count: chunk * channels)
        var interleavedInt = [Int32](repeating: 0, count: pcm ? chunk * channels : 0)
        var quantized = [Int32](repeating: 0, count: pcm ? chunk : 0)
        var start = 0
        while start < buffer.frameCount {
            let n = min(chunk, buffer.frameCount - start)
            for c in 0..<channels {
                buffer.channels[c].withUnsafeBufferPointer { src in
                    if pcm {
                        quantized.withUnsafeMutableBufferPointer { q in
                            Quantizer.quantize(UnsafeBufferPointer(rebasing: src[start..<(start + n)]), bits: bits,
                                               dither: &dithers[c], into: UnsafeMutableBufferPointer(rebasing: q[0..<n]))
                        }
                        let shift = Int32(32 - bits)
                        for i in 0..<n { interleavedInt[i * channels + c] = quantized[i] << shift }
                    } else {
                        for i in 0..<n { interleaved[i * channels + c] = src[start + i] }
                    }
                }
            }
            let written = pcm
                ? interleavedInt.withUnsafeBufferPointer { Int(sf_writef_int(file, $0.baseAddress, sf_count_t(n))) }
                : interleaved.withUnsafeBufferPointer { Int(sf_writef_float(file, $0.baseAddress, sf_count_t(n))) }
            guard written == n else {
                throw AudioFileError(.writeFailed, path: reportedPath, "write failed after \(start + max(0, written)) frames (\(String(cString: sf_strerror(file)))); no file was left behind")
            }
            start += n
        }
        sf_write_sync(file)
        closed = true
        guard sf_close(file) == 0 else {
            throw AudioFileError(.writeFailed, path: reportedPath, "could not finish the file (disk full?); no file was left behind")
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
