import Foundation
import HeadroomAnalysis
import HeadroomDSP

extension ReferenceProfile {
    /// Measures a profile from frames fed block by block (the sections of a master as it streams by, back to
    /// back, nothing kept): the same profile as the same frames cut out and fed at once, since every meter in
    /// it sums the same way however the frames come. Holds a block's mid and side, not the audio.
    public struct Meter {
        let sampleRate: Double, channelCount: Int
        var loudness: LoudnessMeter
        var truePeak: TruePeakMeter.Stream
        /// 1/3-octave spectra of the mid and (stereo) side signals.
        var mid: SpectrumMeter, side: SpectrumMeter?
        var midBlock: [Float] = [], sideBlock: [Float] = []
        /// Frames a whole buffer is fed in (the mid and side of one chunk are all it holds).
        static let chunkFrames = 1 << 16

        public init(sampleRate: Double, channelCount: Int) {
            (self.sampleRate, self.channelCount) = (sampleRate, channelCount)
            loudness = LoudnessMeter(sampleRate: sampleRate, channelCount: channelCount)
            truePeak = TruePeakMeter.Stream(meter: TruePeakMeter(), channelCount: channelCount)
            mid = SpectrumMeter(sampleRate: sampleRate)
            side = channelCount == 2 ? SpectrumMeter(sampleRate: sampleRate) : nil
        }

        /// Adds frames: one buffer per channel, all of the same length.
        public mutating func add(_ block: [UnsafeBufferPointer<Float>]) {
            let n = block[0].count
            guard n > 0 else { return }
            loudness.add(block)
            truePeak.add(block)
            let l = block[0], r = block[channelCount == 2 ? 1 : 0]
            if midBlock.count < n { midBlock = [Float](repeating: 0, count: n); sideBlock = midBlock }
            midBlock.withUnsafeMutableBufferPointer { m in
                for i in 0..<n { m[i] = (l[i] + r[i]) * 0.5 }
                mid.add([UnsafeBufferPointer(rebasing: m[0..<n])])
            }
            if side != nil {
                sideBlock.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n { s[i] = (l[i] - r[i]) * 0.5 }
                    side!.add([UnsafeBufferPointer(rebasing: s[0..<n])])
                }
            }
        }

        /// Adds `frames` of a buffer (all of it when nil), a chunk at a time.
        public mutating func add(_ audio: AudioBuffer, frames: Range<Int>? = nil) {
            let range = frames ?? 0..<audio.frameCount
            for start in stride(from: range.lowerBound, to: range.upperBound, by: Self.chunkFrames) {
                audio.withChannelPointers(start..<min(range.upperBound, start + Self.chunkFrames)) { add($0) }
            }
        }

        /// The profile of everything added, given the whole track's integrated loudness.
        public mutating func profile(integratedLUFS: Double, name: String, ranges sections: [TimeRange]) -> ReferenceProfile {
            var sectionLUFS = loudness.integratedLUFS()
            if !sectionLUFS.isFinite { sectionLUFS = Decibels.floorDB }
            let maxShort = loudness.maxShortTermLUFS
            let peak = truePeak.finish().map(\.truePeak).max() ?? 0
            let midLevels = mid.averageBandLevelsDB()
            let centers = SpectrumMeter.bandCentersHz, sr = sampleRate
            // A 1 kHz sine of loudness L reads the same band level whatever the file: calibrate the FFT levels
            // by the loudness so levels are comparable between tracks (only differences are ever used).
            let bandLevels = midLevels.enumerated().map { b, level in
                centers[b] * pow(2, 1.0 / 6) < sr / 2 ? level - sectionLUFS : Decibels.floorDB
            }
            let width = side.map { side in
                let sideLevels = side.averageBandLevelsDB()
                return ReferenceProfile.widthBands.map { band in
                    var m = 0.0, s = 0.0
                    for (i, f) in centers.enumerated() where f >= band.lowHz && f < band.highHz && f * pow(2, 1.0 / 6) < sr / 2 {
                        m += Decibels.toPower(midLevels[i]); s += Decibels.toPower(sideLevels[i])
                    }
                    guard m > 0 else { return 0.0 }
                    return max(-40, min(20, Decibels.fromPower(s / m)))
                }
            }
            return ReferenceProfile(name: name, integratedLUFS: integratedLUFS, sections: sections,
                                    sectionLUFS: sectionLUFS, sectionTruePeakDBTP: Decibels.fromAmplitude(Double(peak)),
                                    sectionMaxShortTermLUFS: maxShort.isFinite ? maxShort : Decibels.floorDB,
                                    bandLevelsDB: bandLevels, sideToMidDB: width)
        }
    }
}
