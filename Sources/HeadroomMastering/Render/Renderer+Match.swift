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
    /// Given the only reference to `input` (`consume`), the chain runs in its memory (the mix is gone
    /// afterwards: the master is rendered from the mix read again); else on a copy.
    public static func refinedMatchPlan(_ input: consuming AudioBuffer, plan: MasteringPlan, progress: ((Double) -> Void)? = nil) -> MasteringPlan {
        let (sampleRate, channelCount) = (input.sampleRate, input.channelCount)
        var handed: AudioBuffer? = consume input
        return refinedMatchPlan(plan, sampleRate: sampleRate, channelCount: channelCount) { sink in
            render(handed.take()!, plan: plan, streamingTo: sink, progress: progress)
        }
    }

    /// The same for a mix read from its file.
    public static func refinedMatchPlan(source mix: any AudioSource, plan: MasteringPlan, progress: ((Double) -> Void)? = nil) -> MasteringPlan {
        refinedMatchPlan(plan, sampleRate: mix.sampleRate, channelCount: mix.channelCount) { sink in
            render(source: mix, plan: plan, streamingTo: sink, progress: progress)
        }
    }

    /// The first render (`render` streams the master into the sink it is given) and the refinement, from
    /// the master's profile measured as the reference was. `sampleRate`: the mix's.
    static func refinedMatchPlan(_ plan: MasteringPlan, sampleRate: Double, channelCount: Int,
                                 render: (SectionsSink) -> RenderResult) -> MasteringPlan {
        guard refinesMatch(plan), let match = plan.match else { return plan }
        let sink = SectionsSink(sections: match.mix.sections, sampleRate: plan.output.sampleRateHz ?? sampleRate, channelCount: channelCount)
        // Only the plan and the loudness of the first render are kept (its chain's output is let go).
        let (rendered, lufs) = { (r: RenderResult) in (r.plan, r.achievedLUFS) }(render(sink))
        let profile = sink.profile(integratedLUFS: lufs, name: "master", ranges: match.mix.sections)
        return Planner.refineMatchEQ(rendered, master: profile, sampleRate: plan.output.sampleRateHz ?? sampleRate) ?? plan
    }
}
