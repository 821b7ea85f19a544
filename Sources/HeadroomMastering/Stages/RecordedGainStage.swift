import HeadroomDSP

/// The true-peak limiter played back from the gain it recorded (`LimiterCurve`): the input times the
/// limiter's input gain, delayed by the limiter's latency, times the gain recorded at each position. The
/// same samples as the limiter at the same settings on the same input, bit for bit (the same
/// multiplications in the same order), without its detector and gain computer. Latency: the limiter's.
final class RecordedGainStage: AudioStage {
    let settings: LimiterSettings
    private let curve: LimiterCurve
    private var inputGain: Float = 1
    private var delayLength = 1
    private var line: [Float] = []  // channel-major, delayLength per channel
    private var position = 0, step = 0

    /// `curve` holds the gain a limiter at `settings` recorded on this input (the renderer keeps the two
    /// together: `LimiterCurve.Content.gains`).
    init(settings: LimiterSettings, curve: LimiterCurve) {
        self.settings = settings
        self.curve = curve
    }

    var latencyFrames: Int { delayLength }

    func prepare(_ spec: ProcessSpec) {
        // The limiter's own figures, from the limiter itself: one owner for the latency and the input gain.
        let limiter = TruePeakLimiterStage(settings: settings)
        delayLength = limiter.latencyAfterPrepare(sampleRate: spec.sampleRate)
        inputGain = Float(Decibels.toAmplitude(settings.inputGainDB))
        line = [Float](repeating: 0, count: delayLength * spec.channelCount)
        reset()
    }

    func reset() {
        for i in line.indices { line[i] = 0 }
        position = 0
        step = 0
    }

    func process(_ block: AudioBlock) {
        let n = block.frameCount
        let gains = curve.storage.baseAddress! + step, length = delayLength, g = inputGain
        precondition(step + n <= curve.storage.count, "past the recorded gain")
        var p = position
        line.withUnsafeMutableBufferPointer { line in
            for (c, out) in block.channels.enumerated() {
                let delay = line.baseAddress! + c * length
                p = position
                for i in 0..<n {
                    let x = out[i] * g
                    out[i] = delay[p] * gains[i]
                    delay[p] = x
                    p = p + 1 == length ? 0 : p + 1
                }
            }
        }
        position = p
        step += n
    }
}
