import HeadroomAnalysis

extension ChecklistRules {
    static func stereoItems(_ s: Analysis.Stereo, into d: inout Drafts) {
        if s.correlation < 0 {
            d.add("phase.inverted", .problem, .critical, "Left and right are out of phase (correlation \(fmt(s.correlation, digits: 2))): one channel is probably inverted",
                at: [], value: s.correlation, unit: "correlation", expected: "correlation well above 0",
                action: "Check the polarity of the mix bus or one channel and re-print; in mono the song would nearly vanish.")
        } else if s.minimumCorrelation < T.phaseTroubleCorrelation {
            d.add("phase.trouble", .problem, .major, "Phase trouble: correlation falls to \(fmt(s.minimumCorrelation, digits: 2))",
                at: s.negativeCorrelationRanges, value: s.minimumCorrelation, unit: "correlation", expected: "correlation above −0.2 everywhere",
                action: "Find the wide or phase-shifted element (stereo widener, out-of-phase double) in these places and fix it in the mix.")
        }
        if s.lowEndSideToMidDB > T.lowEndSideToMidDB || s.lowEndCorrelation < T.lowEndCorrelation {
            d.add("stereo.wide-lows", .problem, .major, "Wide or out-of-phase low end: side \(fmt(s.lowEndSideToMidDB)) dB under mid below \(Int(s.lowEndCrossoverHz)) Hz, correlation \(fmt(s.lowEndCorrelation, digits: 2))",
                at: [], value: s.lowEndSideToMidDB, unit: "dB side/mid", expected: "low-end side at least 12 dB under mid, correlation above 0.5",
                action: "Mastering narrows the lows below ~120 Hz to mono; better still, keep bass and kick centred in the mix.")
        }
        if s.monoFoldLossLU > T.monoFoldLossLU {
            d.add("stereo.mono-loss", .problem, .major, "Loses \(fmt(s.monoFoldLossLU)) LU when folded to mono",
                at: [], value: s.monoFoldLossLU, unit: "LU", expected: "at most 1.5–3 LU lost in mono",
                action: "Check wide elements in mono; phones and many speakers play mono.")
        }
        if abs(s.balanceDB) > T.balanceDB {
            let side = s.balanceDB > 0 ? "left" : "right"
            d.add("stereo.balance", .problem, abs(s.balanceDB) > T.severeBalanceDB ? .major : .minor, "Leans to the \(side): \(fmt(abs(s.balanceDB))) dB louder",
                at: [], value: s.balanceDB, unit: "dB L−R", expected: "within ±1 dB",
                action: "Check the pan of the lead elements; mastering can rebalance the channels by \(fmt(abs(s.balanceDB) / 2)) dB each.")
        }
        if s.sideToMidDB < T.nearMonoSideToMidDB {
            d.add("stereo.near-mono", .info, .info, "The mix is (nearly) mono: side \(fmt(s.sideToMidDB)) dB under mid",
                at: [], value: s.sideToMidDB, unit: "dB side/mid", expected: "some width, unless mono is intended",
                action: "Nothing to fix if intended.")
        } else if monoSafetyMisses(s).isEmpty {
            d.add("stereo.mono-safe", .strength, .info, "Mono-safe stereo width: \(fmt(s.monoFoldLossLU)) LU lost in mono, centred low end",
                at: [], value: s.monoFoldLossLU, unit: "LU", expected: "at most 1.5 LU lost in mono",
                action: "Keep the width as it is.")
        }
    }

    /// What keeps a stereo signal from being mono-safe, one phrase each; empty when it is (the mono-safe
    /// strength's rule, and the master's verdict on it, read this one list).
    public static func monoSafetyMisses(_ s: Analysis.Stereo) -> [String] {
        var misses: [String] = []
        if s.monoFoldLossLU > T.monoSafeLossLU { misses.append("folding to mono now costs \(fmt(s.monoFoldLossLU)) LU (at most \(fmt(T.monoSafeLossLU)))") }
        if s.lowEndSideToMidDB > T.lowEndSideToMidDB {
            misses.append("the low end's side is \(fmt(s.lowEndSideToMidDB)) dB against the mid (\(fmt(T.lowEndSideToMidDB)) or less is centred)")
        }
        if s.minimumCorrelation < T.phaseTroubleCorrelation { misses.append("correlation falls to \(fmt(s.minimumCorrelation, digits: 2))") }
        if s.correlation < 0 { misses.append("the channels are out of phase") }
        return misses
    }
}
