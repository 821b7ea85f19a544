import Foundation
import HeadroomDSP

/// Long-term average spectrum of the mid signal ((L+R)/2) in 1/3-octave bands, plus per-frame band
/// energies for section finding.
///
/// Frames of ~186 ms (8192 samples at 44.1/48 kHz, scaled with the sample rate), Hann window, no
/// overlap: enough resolution for the 20 Hz band, and cheap.
public struct SpectrumMeter: Sendable {
    /// Nominal 1/3-octave centre frequencies (IEC 61260), 20 Hz to 20 kHz.
    public static let bandCentersHz: [Double] = [
        20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600,
        2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000,
    ]

    public let sampleRate: Double
    public let frameSize: Int
    /// Mean power per band over all frames (arbitrary but consistent units).
    public private(set) var bandPowerSum: [Double]
    /// Power per FFT bin summed over all frames (for the fine-resolution spectrum).
    public private(set) var binPowerSum: [Double]
    /// The side signal's ((L−R)/2) power per bin, summed over every `sideFrameStride`-th frame (stereo only):
    /// enough for a long-term average at a quarter of the cost.
    public private(set) var sideBinPowerSum: [Double]
    public private(set) var sideFrameCount = 0
    public static let sideFrameStride = 4
    private var pendingSide: [Float] = []
    /// Band powers of every frame (frame-major).
    public private(set) var framePowers: [[Float]] = []
    public var frameCount: Int { framePowers.count }
    /// Seconds per frame.
    public var frameSeconds: Double { Double(frameSize) / sampleRate }

    private let fft: RealFFT
    private let window: [Float]
    /// For each band: the FFT bins it sums (at least one, the nearest, for narrow low bands).
    private let bandBins: [Range<Int>]
    private var pending: [Float] = []
    private var power: [Float]

    public init(sampleRate: Double) {
        self.sampleRate = sampleRate
        var size = 1024
        while Double(size) < sampleRate * 0.17 { size *= 2 }
        frameSize = size
        fft = RealFFT(size: size)
        window = RealFFT.hann(size)
        power = [Float](repeating: 0, count: size / 2 + 1)
        let binHz = sampleRate / Double(size)
        let nyquistBin = size / 2
        bandBins = Self.bandCentersHz.map { center in
            let lo = center / pow(2, 1.0 / 6), hi = center * pow(2, 1.0 / 6)
            let first = max(1, Int((lo / binHz).rounded(.up)))
            let last = min(nyquistBin, Int((hi / binHz).rounded(.up)))
            if first < last { return first..<last }
            let nearest = min(nyquistBin, max(1, Int((center / binHz).rounded())))
            return nearest..<(nearest + 1)
        }
        bandPowerSum = Array(repeating: 0, count: Self.bandCentersHz.count)
        binPowerSum = Array(repeating: 0, count: size / 2 + 1)
        sideBinPowerSum = Array(repeating: 0, count: size / 2 + 1)
        pending.reserveCapacity(size)
    }

    /// Adds frames (mono or stereo; stereo is summed to mid).
    public mutating func add(_ channels: [UnsafeBufferPointer<Float>]) {
        let frames = channels[0].count
        var offset = 0
        while offset < frames {
            let n = min(frames - offset, frameSize - pending.count)
            if channels.count == 2 {
                let l = channels[0].baseAddress! + offset, r = channels[1].baseAddress! + offset
                Self.extend(&pending, n) { p in for i in 0..<n { p[i] = (l[i] + r[i]) * 0.5 } }
                if framePowers.count % Self.sideFrameStride == 0 {
                    Self.extend(&pendingSide, n) { p in for i in 0..<n { p[i] = (l[i] - r[i]) * 0.5 } }
                }
            } else {
                pending.append(contentsOf: channels[0][offset..<(offset + n)])
            }
            offset += n
            if pending.count == frameSize { analyzeFrame() }
        }
    }

    /// Grows `buffer` by `n` values that `fill` writes (a loop over raw memory, not an append per sample).
    @inline(__always)
    private static func extend(_ buffer: inout [Float], _ n: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: n))
        buffer.withUnsafeMutableBufferPointer { fill($0.baseAddress! + start) }
    }

    private mutating func analyzeFrame() {
        if pendingSide.count == frameSize {
            pendingSide.withUnsafeBufferPointer { fft.powerSpectrum($0, window: window, into: &power) }
            sideBinPowerSum.withUnsafeMutableBufferPointer { sum in
                power.withUnsafeBufferPointer { p in for k in p.indices { sum[k] += Double(p[k]) } }
            }
            sideFrameCount += 1
        }
        pendingSide.removeAll(keepingCapacity: true)
        pending.withUnsafeBufferPointer { fft.powerSpectrum($0, window: window, into: &power) }
        pending.removeAll(keepingCapacity: true)
        binPowerSum.withUnsafeMutableBufferPointer { sum in
            power.withUnsafeBufferPointer { p in for k in p.indices { sum[k] += Double(p[k]) } }
        }
        var bands = [Float](repeating: 0, count: bandBins.count)
        let nyquist = sampleRate / 2
        for (b, bins) in bandBins.enumerated() where Self.bandCentersHz[b] < nyquist {
            var s: Float = 0
            for k in bins { s += power[k] }
            bands[b] = s
            bandPowerSum[b] += Double(s)
        }
        framePowers.append(bands)
    }

    /// Whether a band lies below the Nyquist frequency of this sample rate.
    public func bandIsMeasured(_ band: Int) -> Bool { Self.bandCentersHz[band] * pow(2, 1.0 / 6) < sampleRate / 2 }

    /// Long-term average spectrum in 1/12-octave bands from 20 Hz to just under Nyquist: centres and
    /// levels in dB (same units as `averageBandLevelsDB`; bins are shared by overlap), of
    /// the mid signal, or of the side signal (`side`; all at the floor for mono).
    public func fineBandLevelsDB(bandsPerOctave: Double = 12, side: Bool = false) -> (centersHz: [Double], levelsDB: [Double]) {
        let binHz = sampleRate / Double(frameSize)
        let frames = Double(max(1, side ? sideFrameCount : frameCount))
        let binPowerSum = side ? sideBinPowerSum : self.binPowerSum
        var centers: [Double] = [], levels: [Double] = []
        var f = 20.0
        while f * pow(2, 0.5 / bandsPerOctave) < sampleRate / 2 {
            let lo = f / pow(2, 0.5 / bandsPerOctave), hi = f * pow(2, 0.5 / bandsPerOctave)
            // Each bin covers ±half a bin around its frequency; a band takes the share of each bin it overlaps,
            // so narrow low bands split their bin instead of counting it twice.
            var p = 0.0
            let first = max(1, Int((lo / binHz - 0.5).rounded(.down))), last = min(frameSize / 2, Int((hi / binHz + 0.5).rounded(.up)))
            if first <= last {
                for k in first...last {
                    let overlap = min(hi, (Double(k) + 0.5) * binHz) - max(lo, (Double(k) - 0.5) * binHz)
                    if overlap > 0 { p += binPowerSum[k] * overlap / binHz }
                }
            }
            centers.append(f)
            levels.append(Decibels.fromPower(p / frames))
            f *= pow(2, 1 / bandsPerOctave)
        }
        return (centers, levels)
    }

    /// Long-term average band levels in dB (uncalibrated: compare shapes, not absolute values).
    public func averageBandLevelsDB(frames range: Range<Int>? = nil) -> [Double] {
        let r = range ?? 0..<frameCount
        guard !r.isEmpty else { return Array(repeating: Decibels.floorDB, count: bandBins.count) }
        var sums = [Double](repeating: 0, count: bandBins.count)
        for f in r { for b in sums.indices { sums[b] += Double(framePowers[f][b]) } }
        return sums.map { Decibels.fromPower($0 / Double(r.count)) }
    }
}
