import Foundation
import HeadroomDSP

/// Why a buffer cannot be analyzed.
public enum AnalysisError: Error, CustomStringConvertible, Equatable {
    case silent
    case tooShort(seconds: Double)

    public var description: String {
        switch self {
        case .silent: return "is silent (integrated loudness below the −70 LUFS gate): nothing to measure or master"
        case .tooShort(let s): return String(format: "is too short (%.2f s); Headroom needs at least 1 second of audio", s)
        }
    }
}

/// Runs every meter over a buffer in one pass (true peak in a second, sparse one), finds the sections and
/// assembles the `Analysis`. Never touches files.
public struct Analyzer: Sendable {
    /// Settings for section finding.
    public struct Options: Sendable {
        /// No section shorter than this.
        public var minimumSectionSeconds: Double = 8
        /// Half the width of the novelty kernel.
        public var kernelHalfSeconds: Double = 6
        /// Frame length for section features.
        public var sectionFrameSeconds: Double = 0.5
        public init() {}
    }

    public var options: Options
    static let chunkFrames = 1 << 16

    public init(options: Options = Options()) { self.options = options }

    /// Measures `buffer`. `progress` receives the fraction done (0...1) from time to time.
    /// - Parameter truePeaks: per-channel true peaks already measured on this buffer (e.g. the renderer's
    ///   8x check of a master), used instead of measuring again.
    public func analyze(_ buffer: AudioBuffer, truePeaks known: [TruePeakMeter.Result]? = nil,
                        progress: ((Double) -> Void)? = nil) throws -> Analysis {
        try measure(buffer, truePeaks: known, progress: progress).analysis
    }

    /// The same, with the loudness meter that measured it (its 100 ms energies give any range's loudness
    /// without measuring again: the verifier's section loudness of a master).
    public func measure(_ buffer: AudioBuffer, truePeaks known: [TruePeakMeter.Result]? = nil,
                        progress: ((Double) -> Void)? = nil) throws -> (analysis: Analysis, loudness: LoudnessMeter) {
        guard buffer.durationSeconds >= 1 else { throw AnalysisError.tooShort(seconds: buffer.durationSeconds) }
        var stream = Stream(self, sampleRate: buffer.sampleRate, channelCount: buffer.channelCount, measuresTruePeak: false)
        let frames = buffer.frameCount
        var start = 0
        while start < frames {
            let end = min(frames, start + Self.chunkFrames)
            buffer.withChannelPointers(start..<end) { stream.add($0) }
            start = end
            progress?(0.8 * Double(start) / Double(frames))
        }
        var truePeaks: [TruePeakMeter.Result] = known ?? []
        if known?.count != buffer.channelCount {
            let truePeakMeter = TruePeakMeter()
            truePeaks = []
            for c in 0..<buffer.channelCount {
                truePeaks.append(buffer.channels[c].withUnsafeBufferPointer { truePeakMeter.measure($0) })
                progress?(0.8 + 0.15 * Double(c + 1) / Double(buffer.channelCount))
            }
        }
        let result = try stream.finish(truePeaks: truePeaks)
        progress?(1)
        return result
    }

    /// The analysis fed block by block (a master as it is rendered, a file as it is read): `add` any number
    /// of frames at a time, then `finish`. The same numbers as `analyze` on the whole buffer.
    public struct Stream: Sendable {
        let analyzer: Analyzer
        public let sampleRate: Double
        public let channelCount: Int
        var loudness: LoudnessMeter
        var levels: LevelMeter
        var stereo: StereoMeter?
        var spectrum: SpectrumMeter
        var truePeak: TruePeakMeter.Stream?
        public private(set) var frameCount = 0

        /// `measuresTruePeak`: also the 4x true peak (else `finish` is handed the true peaks).
        public init(_ analyzer: Analyzer = Analyzer(), sampleRate: Double, channelCount: Int, measuresTruePeak: Bool = true) {
            self.analyzer = analyzer
            self.sampleRate = sampleRate
            self.channelCount = channelCount
            loudness = LoudnessMeter(sampleRate: sampleRate, channelCount: channelCount,
                                     mode: channelCount == 2 ? [.monoFold, .perChannel] : [])
            levels = LevelMeter(channelCount: channelCount, subBlockFrames: loudness.subBlockFrames)
            stereo = channelCount == 2 ? StereoMeter(sampleRate: sampleRate, subBlockFrames: loudness.subBlockFrames) : nil
            spectrum = SpectrumMeter(sampleRate: sampleRate)
            truePeak = measuresTruePeak ? TruePeakMeter.Stream(meter: TruePeakMeter(), channelCount: channelCount) : nil
        }

        /// Adds frames: one buffer per channel, all of the same length.
        public mutating func add(_ ptrs: [UnsafeBufferPointer<Float>]) {
            Denormals.flushed {
                if stereo != nil {
                    // One loop for the two meters' filters (their recursions overlap).
                    LoudnessMeter.add(left: ptrs[0], right: ptrs[1], to: &loudness, and: &stereo!)
                } else {
                    loudness.add(ptrs)
                }
                levels.add(ptrs)
                spectrum.add(ptrs)
                truePeak?.add(ptrs)
            }
            frameCount += ptrs[0].count
        }

        /// The analysis and its loudness meter. `truePeaks`: per channel, when this stream does not measure them.
        public mutating func finish(truePeaks known: [TruePeakMeter.Result]? = nil) throws -> (analysis: Analysis, loudness: LoudnessMeter) {
            let duration = Double(frameCount) / sampleRate
            guard duration >= 1 else { throw AnalysisError.tooShort(seconds: duration) }
            levels.finish()
            let truePeaks = known ?? truePeak?.finish() ?? []
            precondition(truePeaks.count == channelCount, "true peaks: one per channel")
            let integrated = loudness.integratedLUFS()
            guard integrated.isFinite else { throw AnalysisError.silent }
            let a = analyzer
            let levelSummary = a.summarizeLevels(levels, truePeaks: truePeaks, loudness: loudness, integrated: integrated,
                                                 sampleRate: sampleRate)
            let sections = a.findSections(loudness: loudness, levels: levels, spectrum: spectrum)
            let analysis = Analysis(
                sampleRateHz: sampleRate, channelCount: channelCount, frameCount: frameCount,
                durationSeconds: duration, isMono: channelCount == 1,
                loudness: a.summarizeLoudness(loudness, integrated: integrated),
                levels: levelSummary,
                stereo: stereo.map { a.summarizeStereo($0, loudness: loudness, integrated: integrated) },
                tonalBalance: a.summarizeTonalBalance(spectrum),
                sections: sections.sections, loudestSectionIndex: sections.loudest,
                silence: a.findSilence(levels, subBlockSeconds: loudness.subBlockSeconds, duration: duration))
            return (analysis, loudness)
        }
    }

    // MARK: - Summaries

    func summarizeLoudness(_ m: LoudnessMeter, integrated: Double) -> Analysis.Loudness {
        Analysis.Loudness(
            integratedLUFS: integrated,
            loudnessRangeLU: m.loudnessRangeLU(),
            maxMomentaryLUFS: finiteDB(m.maxMomentaryLUFS),
            maxShortTermLUFS: finiteDB(m.maxShortTermLUFS),
            shortTermIntervalSeconds: m.subBlockSeconds,
            shortTermLUFS: m.shortTermLUFS.map { finiteDB(($0 * 100).rounded() / 100) })
    }

    func summarizeLevels(_ m: LevelMeter, truePeaks: [TruePeakMeter.Result], loudness: LoudnessMeter,
                         integrated: Double, sampleRate: Double) -> Analysis.Levels {
        let names = m.channelCount == 1 ? ["mono"] : ["left", "right"]
        let channels = (0..<m.channelCount).map { c in
            Analysis.ChannelLevels(
                name: names[c],
                samplePeakDBFS: Decibels.fromAmplitude(Double(m.samplePeak[c])),
                truePeakDBTP: Decibels.fromAmplitude(Double(truePeaks[c].truePeak)),
                rmsDBFS: Decibels.fromAmplitude(m.rms(channel: c)),
                dcOffsetPercent: m.dcOffset(channel: c) * 100)
        }
        let samplePeak = channels.map(\.samplePeakDBFS).max()!
        let truePeak = channels.map(\.truePeakDBTP).max()!
        let totalSquares = m.sumOfSquares.reduce(0, +)
        let rms = Decibels.fromPower(totalSquares / Double(max(1, m.frameCount * m.channelCount)))
        let overs = truePeaks.flatMap(\.overFrames).sorted()
        return Analysis.Levels(
            channels: channels, samplePeakDBFS: samplePeak, truePeakDBTP: truePeak, rmsDBFS: rms,
            crestFactorDB: samplePeak - rms, plrDB: truePeak - integrated,
            psrDB: truePeak - finiteDB(loudness.maxShortTermLUFS),
            dynamicRangeDR: dynamicRange(m),
            headroomDB: -truePeak,
            clippedRunCount: m.clipRunCount, clippedSampleCount: m.clippedFrameCount,
            clippedRuns: m.clipRuns.map {
                Analysis.ClippedRun(channel: names[$0.channel], startSeconds: Double($0.startFrame) / sampleRate,
                                    lengthSamples: $0.lengthFrames)
            },
            intersampleOverCount: Set(overs).count,
            intersampleOverRanges: mergeRanges(overs.map { Double($0) / sampleRate }, gapSeconds: 0.5))
    }

    /// The TT Dynamic Range meter's DR: per channel, 20·log10(second-highest 3 s block peak / RMS of the
    /// loudest 20 % of 3 s blocks, RMS taken as √(2·mean x²)), averaged over channels and rounded.
    func dynamicRange(_ m: LevelMeter) -> Int {
        let blockSubBlocks = 30
        var values: [Double] = []
        for c in 0..<m.channelCount {
            let squares = m.subBlockSumOfSquares[c], peaks = m.subBlockPeak[c]
            let blockCount = max(1, squares.count / blockSubBlocks)
            var rmsValues: [Double] = [], peakValues: [Double] = []
            for b in 0..<blockCount {
                let r = (b * blockSubBlocks)..<min(squares.count, (b + 1) * blockSubBlocks)
                guard !r.isEmpty else { continue }
                let meanSquare = squares[r].reduce(0, +) / Double(r.count * m.subBlockFrames)
                rmsValues.append((2 * meanSquare).squareRoot())
                peakValues.append(Double(peaks[r].max() ?? 0))
            }
            guard !rmsValues.isEmpty else { continue }
            rmsValues.sort(by: >)
            peakValues.sort(by: >)
            let top = max(1, Int((Double(rmsValues.count) * 0.2).rounded(.down)))
            let rmsTop = (rmsValues[0..<top].reduce(0) { $0 + $1 * $1 } / Double(top)).squareRoot()
            let pk2 = peakValues.count > 1 ? peakValues[1] : peakValues[0]
            if rmsTop > 0 && pk2 > 0 { values.append(20 * log10(pk2 / rmsTop)) }
        }
        guard !values.isEmpty else { return 0 }
        return Int((values.reduce(0, +) / Double(values.count)).rounded())
    }

    func summarizeStereo(_ s: StereoMeter, loudness: LoudnessMeter, integrated: Double) -> Analysis.Stereo {
        let all = s.total(0..<s.subBlocks.count)
        let window = 10, hop = 5  // 1 s windows every 0.5 s
        var curve: [Double] = []
        var negative: [Double] = []
        var minimum = 1.0
        let quiet = LoudnessMeter.energy(lufs: -60)
        var i = 0
        while i + window <= s.subBlocks.count {
            let w = s.total(i..<(i + window))
            let c = StereoMeter.correlation(ll: w.ll, rr: w.rr, lr: w.lr)
            curve.append((c * 1000).rounded() / 1000)
            let hasSignal = loudness.subBlockEnergies[i..<(i + window)].reduce(0, +) / Double(window) > quiet
            if hasSignal {
                minimum = min(minimum, c)
                if c < 0 { negative.append(Double(i) * loudness.subBlockSeconds) }
            }
            i += hop
        }
        let balance = loudness.channelIntegratedLUFS(0) - loudness.channelIntegratedLUFS(1)
        let mono = loudness.monoFoldIntegratedLUFS()
        return Analysis.Stereo(
            correlation: StereoMeter.correlation(ll: all.ll, rr: all.rr, lr: all.lr),
            minimumCorrelation: minimum,
            correlationIntervalSeconds: Double(hop) * loudness.subBlockSeconds,
            correlationCurve: curve,
            negativeCorrelationRanges: mergeRanges(negative, gapSeconds: 1, extendSeconds: 1),
            sideToMidDB: StereoMeter.sideToMidDB(ll: all.ll, rr: all.rr, lr: all.lr),
            lowEndCrossoverHz: s.lowCrossoverHz,
            lowEndSideToMidDB: StereoMeter.sideToMidDB(ll: all.lowLL, rr: all.lowRR, lr: all.lowLR),
            lowEndCorrelation: StereoMeter.correlation(ll: all.lowLL, rr: all.lowRR, lr: all.lowLR),
            balanceDB: balance.isFinite ? balance : (loudness.channelIntegratedLUFS(0).isFinite ? 60 : -60),
            monoFoldLossLU: mono.isFinite ? integrated - mono : 60)
    }

    func summarizeTonalBalance(_ s: SpectrumMeter) -> Analysis.TonalBalance {
        let centers = SpectrumMeter.bandCentersHz
        let raw = s.averageBandLevelsDB()
        let target = centers.map { TonalTarget.levelDB(atHz: $0) }
        let measured = centers.indices.map { s.bandIsMeasured($0) }
        let aligned = TonalTarget.alignmentBands.filter { measured[$0] }
        let offset = aligned.isEmpty ? 0 : aligned.reduce(0) { $0 + raw[$1] - target[$1] } / Double(aligned.count)
        let level = centers.indices.map { measured[$0] ? raw[$0] - offset : Decibels.floorDB }
        let deviation = centers.indices.map { measured[$0] ? level[$0] - target[$0] : 0 }
        let regions = TonalTarget.regions.map { region -> Analysis.Region in
            let bands = region.bands.filter { measured[$0] }
            let mean = bands.isEmpty ? 0 : bands.reduce(0) { $0 + deviation[$1] } / Double(bands.count)
            return Analysis.Region(name: region.name,
                                   lowHz: centers[region.bands.lowerBound] / pow(2, 1.0 / 6),
                                   highHz: centers[region.bands.upperBound] * pow(2, 1.0 / 6),
                                   deviationDB: (mean * 10).rounded() / 10)
        }
        let fine = s.fineBandLevelsDB(), fineSide = s.fineBandLevelsDB(side: true)
        func shifted(_ levels: [Double]) -> [Double] {
            levels.map { $0 <= Decibels.floorDB ? Decibels.floorDB : (($0 - offset) * 10).rounded() / 10 }
        }
        return Analysis.TonalBalance(
            targetName: TonalTarget.name, bandCentersHz: centers,
            levelDB: level.map { ($0 * 10).rounded() / 10 }, targetDB: target.map { ($0 * 10).rounded() / 10 },
            deviationDB: deviation.map { ($0 * 10).rounded() / 10 }, regions: regions,
            fineBandCentersHz: fine.centersHz.map { ($0 * 10).rounded() / 10 },
            fineLevelDB: shifted(fine.levelsDB), fineSideLevelDB: shifted(fineSide.levelsDB))
    }

    func findSilence(_ m: LevelMeter, subBlockSeconds: Double, duration: Double) -> Analysis.Silence {
        let threshold = Float(Decibels.toAmplitude(-60))
        let count = m.subBlockPeak[0].count
        let loud = (0..<count).map { i in (0..<m.channelCount).contains { m.subBlockPeak[$0][i] > threshold } }
        let first = loud.firstIndex(of: true) ?? count
        let last = loud.lastIndex(of: true) ?? -1
        let trailing = last < 0 ? duration : duration - Double(last + 1) * subBlockSeconds
        return Analysis.Silence(leadingSeconds: Double(first) * subBlockSeconds, trailingSeconds: max(0, trailing))
    }
}

/// −∞ (or NaN) becomes the report floor so JSON stays numeric.
func finiteDB(_ x: Double) -> Double { x.isFinite ? x : Decibels.floorDB }

/// Merges sorted times into ranges, joining points closer than `gapSeconds`.
func mergeRanges(_ times: [Double], gapSeconds: Double, extendSeconds: Double = 0) -> [TimeRange] {
    var ranges: [TimeRange] = []
    for t in times {
        if let last = ranges.last, t - last.endSeconds <= gapSeconds {
            ranges[ranges.count - 1].endSeconds = t + extendSeconds
        } else {
            ranges.append(TimeRange(startSeconds: t, endSeconds: t + extendSeconds))
        }
    }
    return ranges
}
