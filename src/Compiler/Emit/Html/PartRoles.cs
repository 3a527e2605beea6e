using OnnxCoDesign.Compiler.Pipeline;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>What a device does in the plan: computes its part, or, holding no model, sends the input on, relays what crosses, receives the results or idles.</summary>
public enum PartRole { Compute, Source, Relay, Sink, Idle }

/// <summary>
/// A part's role, read from the realized plan: a part with a model computes; one without is a relay when a
/// transfer arrives at its device and another leaves it (link j−1 in, link j out), a source when it is the
/// first device and only sends (the input), a sink when it only receives (the results), idle otherwise.
/// The report names relays as relays instead of as parts with 0 ms of compute.
/// </summary>
public static class PartRoles
{
    public static PartRole Of(CompileOutcome o, int part)
    {
        var plan = o.Plan;
        if (plan.Parts[part].Model is not null) return PartRole.Compute;
        var received = part > 0 && plan.Transfers[part - 1].Bytes > 0;
        var sent = part < plan.Transfers.Count && plan.Transfers[part].Bytes > 0;
        return (received, sent) switch
        {
            (true, true) => PartRole.Relay,
            (false, true) => PartRole.Source,
            (true, false) => PartRole.Sink,
            _ => PartRole.Idle,
        };
    }

    /// <summary>The role in words for the parts table: "relays 5.1 kB fp32 from the jetson-tx2 to the rtx-4090".</summary>
    public static string Describe(CompileOutcome o, int part)
    {
        var transfers = o.Plan.Transfers;
        return Of(o, part) switch
        {
            PartRole.Compute => "computes its part",
            PartRole.Relay => $"relays {PlanSentence.Kb(transfers[part].Bytes)} kB {PlanSentence.Format(transfers[part])} from the {transfers[part - 1].From} to the {transfers[part].To} (no model, no compute)",
            PartRole.Source => $"sends the input on ({PlanSentence.Kb(transfers[part].Bytes)} kB {PlanSentence.Format(transfers[part])} to the {transfers[part].To}; no model, no compute)",
            PartRole.Sink => $"receives the results ({PlanSentence.Kb(transfers[part - 1].Bytes)} kB from the {transfers[part - 1].From}; no model, no compute)",
            _ => "idle (nothing runs or crosses here)",
        };
    }
}
