import CSoxr
import Foundation

/// Sample-rate conversion through libsoxr (very high quality, linear phase), one channel at a time.
public enum Resampler {
    /// `buffer` at `sampleRate`. Returns the buffer unchanged when the rates are equal.
    public static func resample(_ buffer: AudioBuffer, to sampleRate: Double) -> AudioBuffer {
        guard sampleRate != buffer.sampleRate else { return buffer }
        let ratio = sampleRate / buffer.sampleRate
        let outLength = Int((Double(buffer.frameCount) * ratio).rounded())
        var channels: [[Float]] = []
        for channel in buffer.channels {
            var out = [Float](repeating: 0, count: outLength + 16)
            var done = 0
            var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
            var quality = soxr_quality_spec(UInt(SOXR_VHQ), 0)
            let error = channel.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    soxr_oneshot(buffer.sampleRate, sampleRate, 1, src.baseAddress, buffer.frameCount, nil,
                                 dst.baseAddress, outLength, &done, &io, &quality, nil)
                }
            }
            precondition(error == nil, "soxr failed: \(String(cString: error!))")
            out.removeLast(out.count - outLength)
            channels.append(out)
        }
        return AudioBuffer(sampleRate: sampleRate, channels: channels)
    }
}
