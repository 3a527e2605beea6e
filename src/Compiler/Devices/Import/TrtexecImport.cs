using System.Globalization;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>What `devices import` reads: the device to start from, the part's analysis, the trtexec files and their names.</summary>
public sealed record TrtexecImportInput(
    DeviceProfile Start,
    ModelAnalysis Part,
    TrtexecProfile Profile,
    string ProfileName,
    TrtexecTimes? Times = null,
    string? TimesName = null,
    Precision Precision = Precision.Fp16,
    string? Name = null);

/// <summary>The fitted profile, and how it came about: every layer's match, the groups fitted, the fit.</summary>
public sealed record TrtexecImportResult(
    DeviceProfile Profile,
    KernelReport Kernels,
    LayerMatchResult Match,
    KernelFit Fit,
    double TimeScale,
    double UnmatchedSeconds,
    Precision Precision);

/// <summary>
/// A device profile from a trtexec per-layer profile of one compiled part run on the real device: the layers are
/// matched to the part's kernels (grouped by the rules the planner uses for the device), their times scaled to
/// the un-profiled compute time when --times is given (per-layer timing slows an engine), and
/// <see cref="KernelProfileFit"/> fits the per-kernel overhead, a compute efficiency per kernel op type and the
/// memory efficiency. The time of layers that run no kernel of the part (reformatting, copies, unnamed
/// shuffles) is overhead too: it is spread over the part's launched kernels, so the profile predicts the
/// part's whole measured time. Peaks, bandwidth and the figures the profile does not constrain are the
/// starting device's.
/// </summary>
public static class TrtexecImport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static TrtexecImportResult Run(TrtexecImportInput input)
    {
        var start = input.Start;
        var precision = start.EffectivePrecision(input.Precision);
        var kernels = input.Part.KernelsFor(KernelTime.RulesFor(start));
        var scale = input.Times is { } times ? times.ComputeSeconds / input.Profile.TotalSeconds : 1.0;
        var layers = input.Profile.Layers.Select(l => l with { Seconds = l.Seconds * scale }).ToList();
        var match = LayerMatching.Run(layers, kernels.Kernels, input.Part.Graph);
        if (match.Groups.Count == 0)
        {
            var sample = string.Join(", ", layers.Take(3).Select(l => $"'{TrtexecJson.Short(l.Name)}'"));
            throw new CodesignException(ErrorCodes.TrtexecNoLayerMatched,
                $"trtexec profile: none of its {layers.Count} layers ({sample}{(layers.Count > 3 ? ", …" : "")}) names a node of {input.Part.DisplayName}; profile the engine built from that part", input.ProfileName);
        }

        var groups = match.Groups.Select(g => ((IReadOnlyList<Kernel>)g.Kernels.Select(k => kernels.Kernels[k]).ToList(), g.Seconds)).ToList();
        var fit = KernelProfileFit.Run(groups, start, precision);
        var launched = Math.Max(1, kernels.Launched);
        var unmatched = match.UnmatchedSeconds;
        var overhead = OperatorEfficiencyFit.Significant(fit.Overhead + unmatched / launched, 3);

        var efficiency = new SortedDictionary<string, double>(start.OperatorEfficiency.ToDictionary(), StringComparer.Ordinal);
        foreach (var c in fit.Classes) efficiency[c.OpType] = c.Efficiency;
        var name = input.Name ?? start.Name + "-trtexec";
        var profile = start with
        {
            Name = name,
            DisplayName = $"{start.DisplayName}, fitted to trtexec profile {input.ProfileName}",
            KernelOverhead = overhead,
            MemoryEfficiency = fit.MemoryEfficiency ?? start.MemoryEfficiency,
            OperatorEfficiency = efficiency.Count == 0 ? DeviceProfile.NoOperatorEfficiency : efficiency,
            Sources = [.. Sources(input, precision, kernels, match, fit, scale, overhead), .. start.Sources.Select(s => $"kept from {start.Name} where not fitted above: {s}")],
        };
        return new TrtexecImportResult(profile, kernels, match, fit, scale, unmatched, precision);
    }

    private static IEnumerable<string> Sources(TrtexecImportInput input, Precision precision, KernelReport kernels, LayerMatchResult match, KernelFit fit, double scale, double overhead)
    {
        var p = input.Profile;
        var matchedKernels = match.Groups.Sum(g => g.Kernels.Count);
        var roles = match.Layers.Where(l => l.Role != LayerRole.Matched).GroupBy(l => l.Role).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {RoleName(g.Key)}").ToList();
        yield return S($"fitted by `codesign-compile devices import {input.Start.Name}` to trtexec profile {input.ProfileName} ({p.Runs} profiled runs, per-layer {p.Statistic}) of part {input.Part.DisplayName} at {precision.Name()}, starting from {input.Start.Name}: {p.Layers.Count} layers, {match.MatchedCount} matched to {matchedKernels} of the part's {kernels.Launched} launched kernels ({kernels.Rules.Name} grouping) in {match.Groups.Count} groups; {(roles.Count == 0 ? "no other layers" : "overhead: " + string.Join(", ", roles))}");
        if (input.Times is { } t)
        {
            yield return S($"times {input.TimesName}: median computeMs {t.ComputeSeconds * 1e3:0.####} over {t.Runs} runs (per-layer sum {p.TotalSeconds * 1e3:0.####} ms); layer times scaled by {scale:0.####}");
        }
        yield return S($"kernelOverheadUs {overhead * 1e6:0.###}: {(fit.OverheadFitted ? "fitted intercept" : "intercept fixed at")} {fit.Overhead * 1e6:0.###} us per kernel + {match.UnmatchedSeconds * 1e3:0.####} ms of unmatched layers over {kernels.Launched} kernels");
        yield return fit.MemoryEfficiency is { } m
            ? S($"memoryEfficiency {m}: fitted over {fit.MemoryKernels} memory-bound kernels{(fit.MemoryClamped ? " (clamped at 1: faster than the peak bandwidth)" : "")}")
            : $"memoryEfficiency {input.Start.MemoryEfficiency}: kept from {input.Start.Name} (no memory-bound kernel measured)";
        foreach (var c in fit.Classes)
        {
            yield return S($"operatorEfficiency.{c.OpType} {c.Efficiency}: fitted over {c.Kernels} compute-bound {c.OpType} kernels, {c.Flops / 1e9:0.###} GFLOP{(c.Clamped ? " (clamped at 1: faster than the peak)" : "")}");
        }
        yield return S($"fit: each group's time = kernels x overhead + sum of max(FLOPs/(P x eff_op), bytes x {RooflineTime.BytesScale(precision)}/(B x eff_mem)), least squares on relative error, {fit.Rounds} classification round(s); relative RMS error {fit.RelativeRms * 100:0.##}% over {match.Groups.Count} groups");
    }

    /// <summary>Why layers of a role are overhead, as a plural noun phrase ("2 reformatting or copy layers").</summary>
    public static string RoleName(LayerRole role) => role switch
    {
        LayerRole.Reformat => "reformatting or copy layers",
        LayerRole.NoNode => "layers naming no node of the part",
        LayerRole.Free => "layers of free ops (views)",
        _ => "matched layers",
    };

    private static string S(FormattableString s) => s.ToString(C);
}
