using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>
/// One part of one cut: what ONNX Runtime measured for it and what each profile predicts
/// (<see cref="Predicted"/>[k] for <see cref="SweepResult.Predictors"/>[k]; [0] is the host profile at kernel level).
/// </summary>
public sealed record MeasuredPart(int Boundary, string After, int Part, int Nodes, double Flops, double Bytes, IReadOnlyList<double> Predicted, double MeasuredSeconds)
{
    /// <summary>The batch of parts it was timed in (<see cref="SweepResult.HostBatches"/>: the host profile that predicts it).</summary>
    public int Batch { get; init; }

    public double PredictedSeconds => Predicted[0];

    /// <summary>(predicted − measured) / measured, in percent, for profile k.</summary>
    public double ErrorPercent(int profile = 0) => (Predicted[profile] - MeasuredSeconds) / MeasuredSeconds * 100;
}

/// <summary>
/// The comparison over every part of every cut: Spearman's ρ of predicted against measured, and the MAPE,
/// for the host profile (index 0), any profile it is compared with, and the host at node level (the same
/// measurements for all; <see cref="Predictors"/> names them).
/// </summary>
public sealed record SweepResult(string Model, IReadOnlyList<DeviceProfile> Profiles, TimingOptions Timing, int Units, IReadOnlyList<int> Boundaries, IReadOnlyList<MeasuredPart> Parts)
{
    /// <summary>Warnings of the passes and analyses the sweep ran, each once.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    /// <summary>How many times each pass and analysis ran.</summary>
    public PassTrace Trace { get; init; } = new();

    public DeviceProfile Host => Profiles[0];

    /// <summary>
    /// The host profile of each batch of parts (one entry unless a probed sweep needed several batches; the first is
    /// <see cref="Host"/>).
    /// </summary>
    public IReadOnlyList<DeviceProfile> HostBatches { get; init; } = [Profiles[0]];

    /// <summary>Whether the host was probed in the same rounds as the parts (else its profile was given).</summary>
    public bool HostProbed { get; init; }

    /// <summary>The probe's warnings (a busy host), each once.</summary>
    public IReadOnlyList<string> ProbeWarnings { get; init; } = [];

    /// <summary>
    /// What each column of <see cref="MeasuredPart.Predicted"/> is: each profile at kernel level (the host first),
    /// then the host profile at node level (the cost model before kernels, for comparison).
    /// </summary>
    public IReadOnlyList<string> Predictors { get; init; } = Profiles.Select(p => p.Name).ToList();

    public double Spearman(int profile = 0) => Statistics.Spearman(Parts.Select(p => p.Predicted[profile]).ToList(), Parts.Select(p => p.MeasuredSeconds).ToList());

    public double MapePercent(int profile = 0) => Statistics.MeanAbsolutePercentageError(Parts.Select(p => p.Predicted[profile]).ToList(), Parts.Select(p => p.MeasuredSeconds).ToList());
}

/// <summary>
/// Checks the cost model against this host: for a set of two-part cuts of a model, both parts are extracted
/// at S1 (every block fused, as the static plan deploys them), predicted with the host profile on both
/// stages (StageCosts over [host, host], fp32; at kernel level, and at node level for comparison), and timed in
/// ONNX Runtime. Cuts are boundaries between
/// planning units with a non-empty part on each side; with many units an evenly spaced subset keeps the
/// sweep short (the first and the last candidate always included).
/// </summary>
public static class CutSweep
{
    /// <param name="maxCuts">How many cuts at most; 0 for every candidate.</param>
    /// <param name="progress">Called with (stage, done, total) as cuts are extracted and runs timed; null for none.</param>
    /// <param name="profiles">The host profile first, then any profiles to compare it with.</param>
    public static SweepResult Run(LoadedModel source, string displayName, ShapeBindings bindings, IReadOnlyList<DeviceProfile> profiles, int maxCuts,
        TimingOptions timing, Action<string, int, int>? progress = null)
    {
        if (profiles.Count == 0) throw new ArgumentException("at least the host profile is needed", nameof(profiles));
        return Run(source, displayName, bindings, HostSource.Given(profiles[0]), profiles.Skip(1).ToList(), maxCuts, timing, progress);
    }

    /// <param name="host">The host profile given, or the host probed in the same rounds as the parts.</param>
    /// <param name="compared">Profiles whose predictions are scored against the same measurements.</param>
    public static SweepResult Run(LoadedModel source, string displayName, ShapeBindings bindings, HostSource host, IReadOnlyList<DeviceProfile> compared, int maxCuts,
        TimingOptions timing, Action<string, int, int>? progress = null)
    {
        timing = timing.Validated();
        var planning = PlanningModel.Build(source, displayName, bindings);
        StageCosts Costs(DeviceProfile h, CostGranularity granularity) => new(planning.Problem([h, h], Precision.Fp32, LinkProfile.Default, Objective.Latency,
            CostModelKind.Roofline, 0, PlannerSettings.PriorAccuracyCost, granularity: granularity));
        var costs = Costs(host.PlanningStandIn, CostGranularity.Kernel);
        var problem = costs.Problem;
        var boundaries = Select(planning.Units.Count, maxCuts);
        // Extract every part first (weights are shared with the source, not copied), then time them together.
        var pending = new List<(int Boundary, PlanChoice Choice, PlannedPart Part)>();
        foreach (var (b, k) in boundaries.Select((b, k) => (b, k)))
        {
            progress?.Invoke("measure: extracting parts", k, boundaries.Count);
            var choice = new PlanChoice([b], [FusionStrategy.S1, FusionStrategy.S1]);
            // Every cut fuses every block by S1: the variant is built and analysed once, for the first cut.
            var plan = PlanRealizer.Realize(planning, costs, choice);
            pending.AddRange(plan.Parts.Where(p => p.Model is not null).Select(part => (b, choice, part)));
        }
        var models = pending.Select(x => source.Derived(x.Part.Model!)).ToList();
        HostTimed timed;
        try
        {
            timed = HostTiming.Time(models, host, timing, progress);
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
        // Each batch's host at kernel level, then the compared profiles, then that host at node level.
        var predictors = timed.Hosts.Select(h => new[] { Costs(h, CostGranularity.Kernel) }
            .Concat(compared.Select(c => Costs(c, CostGranularity.Kernel))).Append(Costs(h, CostGranularity.Node)).ToList()).ToList();
        var rows = pending.Select((x, i) =>
        {
            var j = x.Part.Index;
            var predicted = predictors[timed.Batch[i]].Select(c => c.Stage(j, FusionStrategy.S1, x.Choice.First(j), x.Choice.Last(j, problem.Units))).ToArray();
            return new MeasuredPart(x.Boundary, problem.UnitNames[x.Boundary], j, x.Part.Nodes.Count, x.Part.Flops, x.Part.Bytes, predicted, timed.Seconds[i])
            {
                Batch = timed.Batch[i],
            };
        }).ToList();
        var first = timed.Hosts[0];
        return new SweepResult(displayName, [first, .. compared], timing, planning.Units.Count, boundaries, rows)
        {
            Predictors = compared.Select(p => p.Name).Prepend(first.Name).Append($"{first.Name} (node level)").ToList(),
            Warnings = planning.Context.Diagnostics.Items,
            Trace = planning.Context.Trace,
            HostBatches = timed.Hosts,
            HostProbed = timed.Probed,
            ProbeWarnings = timed.Warnings,
        };
    }

    /// <summary>
    /// Boundaries 0 … units−2 (after unit b, so neither part is empty); all of them when maxCuts is 0 or at
    /// least their number, else maxCuts of them evenly spaced, the first and the last included.
    /// </summary>
    public static IReadOnlyList<int> Select(int units, int maxCuts)
    {
        var candidates = units - 1;
        if (candidates <= 0) return [];
        if (maxCuts <= 0 || maxCuts >= candidates) return Enumerable.Range(0, candidates).ToList();
        if (maxCuts == 1) return [candidates / 2];
        return Enumerable.Range(0, maxCuts)
            .Select(i => (int)Math.Round(i * (candidates - 1) / (double)(maxCuts - 1), MidpointRounding.AwayFromZero))
            .Distinct().ToList();
    }
}
