import CFFTW
import Foundation

/// A forward real-to-complex FFT of a fixed size over FFTW (`fftw3f`), with its own aligned buffers.
///
/// Planning uses `FFTW_ESTIMATE` (deterministic, no timing) under a process-wide lock, because FFTW's
/// planner is not thread-safe. One instance must not be used from two threads at once.
public final class RealFFT: @unchecked Sendable {
    /// Transform length (samples in).
    public let size: Int
    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: fftwf_plan

    private static let plannerLock = NSLock()

    public init(size: Int) {
        precondition(size >= 2 && size % 2 == 0)
        self.size = size
        input = fftwf_alloc_real(size)
        output = fftwf_alloc_complex(size / 2 + 1)
        RealFFT.plannerLock.lock()
        plan = fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))!
        RealFFT.plannerLock.unlock()
    }

    deinit {
        RealFFT.plannerLock.lock()
        fftwf_destroy_plan(plan)
        RealFFT.plannerLock.unlock()
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Number of bins in a spectrum (`size/2 + 1`).
    public var binCount: Int { size / 2 + 1 }

    /// |X[k]|² of `samples × window` for k = 0 ... size/2, written into `power`.
    public func powerSpectrum(_ samples: UnsafeBufferPointer<Float>, window: [Float], into power: inout [Float]) {
        precondition(samples.count == size && window.count == size && power.count >= binCount)
        for i in 0..<size { input[i] = samples[i] * window[i] }
        fftwf_execute(plan)
        power.withUnsafeMutableBufferPointer { out in
            let raw = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Float.self)
            for k in 0..<binCount {
                let re = raw[2 * k], im = raw[2 * k + 1]
                out[k] = re * re + im * im
            }
        }
    }

    /// A periodic Hann window of `size` samples.
    public static func hann(_ size: Int) -> [Float] {
        (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
    }
}
