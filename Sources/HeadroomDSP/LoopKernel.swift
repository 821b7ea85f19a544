/// Which implementation of a stage's hot loop runs: the Swift loop (frame by frame; the reference), or the
/// C loop at a level: 0 portable, 1 AVX, 2 AVX-512 (capped at what the CPU has). The C loops give the Swift
/// loops' samples bit for bit at every level.
public enum LoopKernel: Sendable, Equatable {
    case swift
    case c(level: Int)

    /// The best this CPU runs, as the true-peak interpolator chooses (`HEADROOM_SIMD`): Swift's loop where
    /// the C loops have no vector version.
    public static var `default`: LoopKernel {
        TruePeakInterpolator.kernelLevel == 0 ? .swift : .c(level: TruePeakInterpolator.kernelLevel)
    }
}
