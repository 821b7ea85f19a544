import CEbur128
import Foundation
import HeadroomDSP

/// libebur128, the independent reference the tests check our meters and masters against.
public enum Reference {
    public struct Result { public var integrated: Double; public var range: Double; public var truePeak: Double }

    public static func measure(_ buffer: AudioBuffer) -> Result {
        let channels = UInt32(buffer.channelCount)
        let mode = Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_LRA.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue)
        let st = ebur128_init(channels, UInt(buffer.sampleRate), mode)!
        var interleaved = [Float](repeating: 0, count: buffer.frameCount * buffer.channelCount)
        for c in 0..<buffer.channelCount {
            for i in 0..<buffer.frameCount { interleaved[i * buffer.channelCount + c] = buffer.channels[c][i] }
        }
        interleaved.withUnsafeBufferPointer { _ = ebur128_add_frames_float(st, $0.baseAddress, buffer.frameCount) }
        var integrated = 0.0, range = 0.0, tp = 0.0
        ebur128_loudness_global(st, &integrated)
        ebur128_loudness_range(st, &range)
        for c in 0..<buffer.channelCount {
            var p = 0.0
            ebur128_true_peak(st, UInt32(c), &p)
            tp = max(tp, p)
        }
        var s: OpaquePointer? = OpaquePointer(st)
        withUnsafeMutablePointer(to: &s) { ptr in
            ptr.withMemoryRebound(to: UnsafeMutablePointer<ebur128_state>?.self, capacity: 1) { ebur128_destroy($0) }
        }
        return Result(integrated: integrated, range: range, truePeak: 20 * log10(tp))
    }
}
