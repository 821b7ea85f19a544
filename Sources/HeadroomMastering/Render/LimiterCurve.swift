import HeadroomDSP

/// One float per position the limiter sees in a whole-song pass (the song's frames and its latency's
/// flush), shared by a render's passes:
/// - first the detector's peaks at 0 dB input gain, computed once and reused by every pass at any gain
///   (the detector is linear in the gain);
/// - then the gain a recording pass applied at each position, written over each peak as the pass consumes
///   it. The render's last pass, at the same settings, applies that gain (`RecordedGainStage`) instead of
///   running the limiter again: the same master, bit for bit, for one limiter pass less.
///
/// One buffer for both, so the song's memory does not grow; a pass that needs the peaks after a recording
/// gets them detected again (`peaks()`), which a render only needs when a recording pass missed the target.
final class LimiterCurve {
    /// What the buffer holds now.
    enum Content: Equatable {
        case nothing
        case peaks
        /// The gain a pass at these settings applied.
        case gains(LimiterSettings)
    }

    let storage: UnsafeMutableBufferPointer<Float>
    private(set) var content: Content = .nothing
    /// Fills the buffer with the detector's peaks; nil when the detector cannot be cached (a soft clipper
    /// before the limiter is not linear).
    private let detect: ((UnsafeMutableBufferPointer<Float>) -> Void)?

    init(count: Int, detect: ((UnsafeMutableBufferPointer<Float>) -> Void)?) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0)
        self.detect = detect
    }

    /// A copy of peaks detected elsewhere (`TruePeakLimiterStage.detectorPeaks`).
    convenience init(peaks: [Float]) {
        self.init(count: peaks.count, detect: nil)
        _ = storage.update(fromContentsOf: peaks)
        content = .peaks
    }

    deinit { storage.deallocate() }

    /// The buffer holding the detector's peaks, detected (again) if it holds anything else; nil when they
    /// cannot be cached.
    func peaks() -> LimiterCurve? {
        if content == .peaks { return self }
        guard let detect else { return nil }
        storage.update(repeating: 0)
        detect(storage)
        content = .peaks
        return self
    }

    /// A recording pass is about to overwrite the buffer.
    func willRecord() { content = .nothing }

    /// A recording pass at `settings` has written its gain at every position.
    func didRecord(_ settings: LimiterSettings) { content = .gains(settings) }
}
