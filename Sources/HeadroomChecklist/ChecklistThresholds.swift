/// Every threshold the checklist uses, in one place, each with its reason.
public enum ChecklistThresholds {
    /// A premaster should leave room for mastering: peaks at −6 to −3 dBFS are the usual request of
    /// mastering engineers; above −1 dBTP there is no room left for EQ boosts without clipping.
    public static let tightHeadroomDBTP = -3.0
    public static let noHeadroomDBTP = -1.0
    /// Below −20 dBTP a fixed-point print wastes resolution (16-bit noise floor comes within ~76 dB).
    public static let veryLowPeakDBTP = -20.0

    /// Unmastered mixes typically show a PLR of 12–20 dB; a mix-bus limiter or heavy bus compression
    /// brings it below ~9 dB, and a loudness range below ~4 LU means the song barely moves.
    public static let limitedPLRDB = 9.0
    public static let flatLoudnessRangeLU = 4.0
    /// Dynamics worth keeping: PLR of 12 dB or more and a DR value of 10 or more.
    public static let healthyPLRDB = 12.0
    public static let healthyDR = 10

    /// Transients on the loudest section (its crest factor, sample peak over RMS): above ~14 dB the hits stand
    /// so far over the body that a loud master must limit them hard; under ~11 dB they were squashed in the
    /// mix (a bus compressor or clipper) and the song sounds flat however loud it is played.
    public static let spikyCrestDB = 14.0
    public static let squashedCrestDB = 11.0

    /// DC offset: 0.1 % of full scale (−60 dB) wastes headroom and makes clicks at edits; 1 % is gross.
    public static let dcOffsetPercent = 0.1
    public static let severeDCOffsetPercent = 1.0

    /// Negative correlation over the song means one channel is inverted; below −0.2 in a 1 s window is
    /// an audible phase problem (mono fold-down cancels).
    public static let phaseTroubleCorrelation = -0.2
    /// A mono-safe low end: side energy below 150 Hz at least 12 dB under mid (vinyl cutting and club
    /// systems want it; phone speakers sum the lows).
    public static let lowEndSideToMidDB = -12.0
    public static let lowEndCorrelation = 0.5
    /// Folding to mono should cost at most ~1.5 LU; more than 3 LU means instruments vanish in mono.
    public static let monoFoldLossLU = 3.0
    public static let monoSafeLossLU = 1.5
    /// Left/right loudness difference: 1 dB is audible as an off-centre image, 2 dB clearly.
    public static let balanceDB = 1.0
    public static let severeBalanceDB = 2.0
    /// Side under −30 dB relative to mid: effectively mono.
    public static let nearMonoSideToMidDB = -30.0

    /// Tonal regions: ±3 dB of broad deviation from the neutral target is audible as a colour (boomy,
    /// muddy, harsh); a missing top end (dull) or bottom (thin) is flagged at −4 dB because genres vary more
    /// there. Within ±2 dB everywhere counts as a balanced spectrum.
    public static let tonalExcessDB = 3.0
    public static let tonalLackDB = -4.0
    public static let tonalBalancedDB = 2.0

    /// Adjacent sections more than 6 LU apart make a jump the listener rides the volume for.
    public static let sectionJumpLU = 6.0

    /// Leading silence over 1.5 s or trailing over 4 s (a natural fade tail is not silence) gets trimmed.
    public static let leadingSilenceSeconds = 1.5
    public static let trailingSilenceSeconds = 4.0
}
