import HeadroomDSP

extension Renderer {
    /// Whether `plan`'s reference match still refines its EQ on a first render (see `refinedMatchPlan`).
    public static func refinesMatch(_ plan: MasteringPlan) -> Bool {
        guard let match = plan.match else { return false }
        return !match.refined && match.amounts.eq > 0
    }

    /// A reference match's first render, for a streamed master: rendered as the master would be, streamed
    /// into what the refinement measures (the match's sections of the master, and its loudness), nothing
    /// kept; returns the plan with the EQ refined by what remains, to render for the master. The same
    /// refined plan as the render kept in memory (`render(_:plan:)`) finds, and then the same master.
    /// `plan` when it refines nothing (`refinesMatch`).
    public static func refinedMatchPlan(_ input: AudioBuffer, plan: MasteringPlan, progress: ((Double) -> Void)? = nil) -> MasteringPlan {
        guard refinesMatch(plan), let match = plan.match else { return plan }
        let sink = SectionsSink(sections: match.mix.sections, sampleRate: plan.output.sampleRateHz ?? input.sampleRate,
                                channelCount: input.channelCount)
        // (Not the only reference to the mix: the chain runs on a copy, the mix stays for the master.)
        let first = measured(render(input, plan: plan, streamingTo: sink, progress: progress))
        return refined(first, sink: sink, match: match) ?? plan
    }

    /// The same for a mix read from its file.
    public static func refinedMatchPlan(source mix: any AudioSource, plan: MasteringPlan, progress: ((Double) -> Void)? = nil) -> MasteringPlan {
        guard refinesMatch(plan), let match = plan.match else { return plan }
        let sink = SectionsSink(sections: match.mix.sections, sampleRate: plan.output.sampleRateHz ?? mix.sampleRate,
                                channelCount: mix.channelCount)
        let first = measured(render(source: mix, plan: plan, streamingTo: sink, progress: progress))
        return refined(first, sink: sink, match: match) ?? plan
    }

    /// What the refinement needs of the first render (its chain's output, kept by a stored render, is let go).
    static func measured(_ render: RenderResult) -> (plan: MasteringPlan, lufs: Double) { (render.plan, render.achievedLUFS) }

    /// The first render's plan refined by its master's profile (measured as the reference was).
    static func refined(_ first: (plan: MasteringPlan, lufs: Double), sink: SectionsSink, match: MatchSettings) -> MasteringPlan? {
        let slice = sink.takeBackToBack()
        let profile = ReferenceProfile.measure(sectionsBackToBack: slice, integratedLUFS: first.lufs, name: "master",
                                               ranges: match.mix.sections)
        return Planner.refineMatchEQ(first.plan, master: profile, sampleRate: slice.sampleRate)
    }
}
