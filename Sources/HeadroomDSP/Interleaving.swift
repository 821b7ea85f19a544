import CHeadroomKernels

/// Interleaved frames at the file edge to planar buffers inside (one C loop the compiler vectorizes).
public enum Interleaving {
    /// Splits `frames` interleaved frames into `planar` (one array per channel, each at least `frames`
    /// long), after checking that every sample is within ±`limit`. Returns nil, or the index into `source`
    /// of the first sample that is not (NaN, infinite, too large); then nothing is written.
    public static func deinterleave(_ source: UnsafeBufferPointer<Float>, frames: Int, into planar: inout [[Float]], limit: Float) -> Int? {
        precondition(source.count >= frames * planar.count && planar.allSatisfy { $0.count >= frames })
        let channels = planar.count
        // Taken out of `planar` so each channel's array is uniquely held (written in place, never copied).
        var arrays = planar
        planar = []
        defer { planar = arrays }
        let bad = arrays.withUnsafeMutableBufferPointer { outer -> Int in
            func nest(_ c: Int, _ acc: [UnsafeMutablePointer<Float>?]) -> Int {
                if c == channels {
                    return acc.withUnsafeBufferPointer {
                        headroom_deinterleave_checked(source.baseAddress!, frames, Int32(channels), $0.baseAddress!, limit)
                    }
                }
                return outer[c].withUnsafeMutableBufferPointer { nest(c + 1, acc + [$0.baseAddress!]) }
            }
            return nest(0, [])
        }
        return bad < 0 ? nil : bad
    }
}
