import HeadroomDSP

/// Everything Headroom measures about a mix, in one Codable value. Keys carry their units
/// (`...LUFS`, `...DBFS`, `...DBTP`, `...LU`, `...DB`, `...Seconds`, `...Hz`). Digital silence is reported
/// as −200 dB so every number is finite.
public struct Analysis: Codable, Sendable, Equatable {
    public var sampleRateHz: Double
    public var channelCount: Int
    public var frameCount: Int
    public var durationSeconds: Double
    /// True for a one-channel file (stereo measurements are then absent).
    public var isMono: Bool
    public var loudness: Loudness
    public var levels: Levels
    /// Absent for mono files.
    public var stereo: Stereo?
    public var tonalBalance: TonalBalance
    public var sections: [Section]
    /// Index into `sections` of the loudest section: where the chain is set up.
    public var loudestSectionIndex: Int
    public var silence: Silence

    /// The loudest section.
    public var loudestSection: Section { sections[loudestSectionIndex] }
}

/// A stretch of time.
public struct TimeRange: Codable, Sendable, Equatable {
    public var startSeconds: Double
    public var endSeconds: Double
    public init(startSeconds: Double, endSeconds: Double) {
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
    }
    public var durationSeconds: Double { endSeconds - startSeconds }
}

extension Analysis {
    /// Loudness per ITU-R BS.1770-4 / EBU R128 / EBU Tech 3342.
    public struct Loudness: Codable, Sendable, Equatable {
        public var integratedLUFS: Double
        public var loudnessRangeLU: Double
        public var maxMomentaryLUFS: Double
        public var maxShortTermLUFS: Double
        /// Spacing of `shortTermLUFS` (0.1 s: 10 Hz).
        public var shortTermIntervalSeconds: Double
        /// Short-term (3 s) loudness ending at each 100 ms step; the first value ends at 0.1 s.
        public var shortTermLUFS: [Double]
    }

    /// Sample-level measurements of one channel.
    public struct ChannelLevels: Codable, Sendable, Equatable {
        /// "left", "right" or "mono".
        public var name: String
        public var samplePeakDBFS: Double
        /// 4x oversampled true peak.
        public var truePeakDBTP: Double
        public var rmsDBFS: Double
        /// Mean sample value as a percentage of full scale (signed).
        public var dcOffsetPercent: Double
    }

    /// A run of clipped samples.
    public struct ClippedRun: Codable, Sendable, Equatable {
        public var channel: String
        public var startSeconds: Double
        public var lengthSamples: Int
    }

    /// Peaks, RMS, dynamics, clipping.
    public struct Levels: Codable, Sendable, Equatable {
        public var channels: [ChannelLevels]
        public var samplePeakDBFS: Double
        public var truePeakDBTP: Double
        /// RMS over all channels.
        public var rmsDBFS: Double
        /// Sample peak minus RMS.
        public var crestFactorDB: Double
        /// Peak-to-loudness ratio: true peak minus integrated loudness.
        public var plrDB: Double
        /// Peak-to-short-term-loudness ratio: true peak minus max short-term loudness.
        public var psrDB: Double
        /// Dynamic range as the TT Dynamic Range meter defines it (DR value, integer).
        public var dynamicRangeDR: Int
        /// Distance from the true peak to 0 dBTP.
        public var headroomDB: Double
        /// Runs of 3 or more consecutive samples at full scale.
        public var clippedRunCount: Int
        public var clippedSampleCount: Int
        /// The first runs (up to 1000).
        public var clippedRuns: [ClippedRun]
        /// Positions where the 4x reconstructed waveform exceeds 0 dBFS.
        public var intersampleOverCount: Int
        /// Where they are, merged into ranges.
        public var intersampleOverRanges: [TimeRange]
    }

    /// Stereo image and mono compatibility (stereo files only).
    public struct Stereo: Codable, Sendable, Equatable {
        /// Pearson correlation of left and right over the whole song.
        public var correlation: Double
        /// Lowest correlation of any 1 s window with signal in it.
        public var minimumCorrelation: Double
        /// Spacing and window of `correlationCurve`.
        public var correlationIntervalSeconds: Double
        /// Correlation of 1 s windows, every `correlationIntervalSeconds`.
        public var correlationCurve: [Double]
        /// Ranges where the correlation of 1 s windows falls below 0.
        public var negativeCorrelationRanges: [TimeRange]
        /// Side energy over mid energy.
        public var sideToMidDB: Double
        /// The crossover below which "low end" is measured.
        public var lowEndCrossoverHz: Double
        /// Side over mid energy below the crossover (a mono-safe low end is well below −15 dB).
        public var lowEndSideToMidDB: Double
        public var lowEndCorrelation: Double
        /// Left minus right loudness (positive: left is louder).
        public var balanceDB: Double
        /// Stereo integrated loudness minus that of the mono fold-down ((L+R)/2 on both speakers).
        public var monoFoldLossLU: Double
    }

    /// Long-term average spectrum in 1/3-octave bands against a neutral target.
    public struct TonalBalance: Codable, Sendable, Equatable {
        /// Name and source of the target curve.
        public var targetName: String
        public var bandCentersHz: [Double]
        /// Band levels, shifted so that their mean deviation from the target over 40 Hz–16 kHz is zero.
        public var levelDB: [Double]
        public var targetDB: [Double]
        /// `levelDB − targetDB`; 0 for bands above the Nyquist frequency.
        public var deviationDB: [Double]
        /// Mean deviation per named region (sub, lows, low mids, mids, presence, air).
        public var regions: [Region]
        /// The same spectrum at 1/12-octave resolution (20 Hz to Nyquist), shifted like `levelDB`: for
        /// estimates that need finer detail (speaker models with steep filters).
        public var fineBandCentersHz: [Double]
        public var fineLevelDB: [Double]
        /// The side signal's spectrum at the same resolution and offset (−200 dB for mono): mid plus side
        /// is what two speakers play.
        public var fineSideLevelDB: [Double]
    }

    /// A named frequency region of the tonal balance.
    public struct Region: Codable, Sendable, Equatable {
        public var name: String
        public var lowHz: Double
        public var highHz: Double
        public var deviationDB: Double
    }

    /// What a section is relative to the loudest one.
    public enum SectionRole: String, Codable, Sendable, Equatable {
        case intro, outro, loudest, similar, quieter, quiet

        /// The words every report and plot uses for the role.
        public var displayName: String {
            switch self {
            case .loudest: return "loudest"
            case .intro: return "intro"
            case .outro: return "outro"
            case .similar: return "about as loud"
            case .quieter: return "quieter"
            case .quiet: return "much quieter"
            }
        }
    }

    /// A section of the song.
    public struct Section: Codable, Sendable, Equatable {
        public var index: Int
        public var startSeconds: Double
        public var endSeconds: Double
        public var integratedLUFS: Double
        public var samplePeakDBFS: Double
        public var crestFactorDB: Double
        /// Integrated loudness of this section minus that of the loudest section.
        public var relativeLoudnessLU: Double
        public var role: SectionRole
        public var range: TimeRange { TimeRange(startSeconds: startSeconds, endSeconds: endSeconds) }
    }

    /// Silence before the music starts and after it ends (below −60 dBFS).
    public struct Silence: Codable, Sendable, Equatable {
        public var leadingSeconds: Double
        public var trailingSeconds: Double
    }
}
