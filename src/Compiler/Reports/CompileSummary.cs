using System.Globalization;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>compile's terminal summary: the setup, the chosen parts and transfers, and the baseline table.</summary>
public static class CompileSummary
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(CompileOutcome o, string outputFolder, TextWriter w, bool measured = false)
    {
        var s = o.Settings;
        w.WriteLine($"model {o.DisplayName}: {o.Planning.Units.Count} units, {o.Planning.BlockCount} RepVGG blocks, {o.Planning.FoldBn.Rewrites.Count} BN folded");
        w.WriteLine($"devices {string.Join(" -> ", s.Devices.Select(d => d.Name))}, link {Devices.LinkSpec.Format(s.Link)}, lowest precision {s.Precision.Name()}, wire {s.WireSetting}, " +
                    $"objective {s.Objective.ToString().ToLowerInvariant()}, lambda {s.Lambda.ToString(C)}, accuracy {s.Accuracy.ToString().ToLowerInvariant()}, cost model {s.CostModel.ToString().ToLowerInvariant()}");
        if (s.CameraInput is { } n)
        {
            // Only with a uint8 input: float32 summaries stay as they were.
            w.WriteLine(string.Create(C, $"input format uint8: one byte per pixel on the wire; part 0 computes x = (v · {n.Scale:R} − mean[c]) / std[c], mean {string.Join(",", n.Mean.Select(m => m.ToString("R", C)))}, std {string.Join(",", n.Std.Select(d => d.ToString("R", C)))}"));
        }
        if (o.Accuracy is { } a)
        {
            var predicted = a.Table.Precisions.Count > 0 ? "predicted" : "predicted (prior units)";
            w.WriteLine(string.Create(C, $"accuracy ({a.Metric.Name()}, {a.Samples} samples, parts at {a.Precision}): {predicted} {o.Search.Chosen.Score.Accuracy:0.###}, measured {a.Measured:0.###}") +
                (a.Original is { } top1 ? string.Create(C, $", original top-1 {top1:0.##}%") : "") + (a.Budget is { } b ? string.Create(C, $", budget {b:0.###}") : ""));
        }
        w.WriteLine();
        w.WriteLine($"  {"part",-6} {"device",-18} {"prec.",-5} {"strategy",-8} {"nodes",6} {"GFLOPs",9} {"ms",9}  file");
        foreach (var p in o.Plan.Parts)
        {
            w.WriteLine(string.Create(C, $"  {p.Index,-6} {p.Device.Name,-18} {p.Precision.Name(),-5} {(p.Strategy?.ToString() ?? "-"),-8} {p.Nodes.Count,6} {p.Flops / 1e9,9:F3} {p.PredictedSeconds * 1e3,9:F3}  {p.File ?? "(relay)"}"));
        }
        foreach (var t in o.Plan.Transfers)
        {
            w.WriteLine(string.Create(C, $"  link {t.Link}: {t.From} -> {t.To}: {t.Tensors.Count} tensor(s), {t.Bytes / 1e3:F1} kB {t.Wire.Name()}, {t.Seconds * 1e3:F3} ms"));
        }
        w.WriteLine();
        w.WriteLine($"  {"plan",-22} {"cuts",-10} {"strategies",-12} {"wire",-10} {"latency ms",11} {"throughput/s",13} {"A",7} {"L ms",10}");
        foreach (var b in o.Search.Baselines.Append(o.Search.Chosen))
        {
            var cuts = string.Join(",", b.Choice.Cuts);
            var strategies = b.Choice.StrategyNames();
            w.WriteLine(string.Create(C, $"  {b.Name,-22} {cuts,-10} {strategies,-12} {b.Choice.WireNames(),-10} {b.Score.Latency * 1e3,11:F3} {b.Score.Throughput,13:F2} {b.Score.Accuracy,7:F3} {b.Score.Loss(s.Objective, s.Lambda) * 1e3,10:F3}"));
        }
        if (o.Search.Ablations.Count > 0)
        {
            // The ablation table under its own header (the baselines' columns plus each link's wire format): one line per row.
            w.WriteLine();
            w.WriteLine($"  {"ablation",-22} {"cuts",-10} {"strategies",-12} {"wire",-10} {"latency ms",11} {"throughput/s",13} {"A",7} {"L ms",10}" + (o.Accuracy is { } acc ? $"  measured ({acc.Metric.Name()})" : ""));
            foreach (var b in o.Search.Ablations)
            {
                var cuts = string.Join(",", b.Choice.Cuts);
                var wire = b.Choice.Cuts.Length == 0 ? "-" : b.Choice.WireNames();
                var measuredText = o.Accuracy?.Ablations.FirstOrDefault(m => m.Name == b.Name) is { } m ? string.Create(C, $"  {m.Measured:0.###}") : "";
                w.WriteLine(string.Create(C, $"  {b.Name,-22} {cuts,-10} {b.Choice.StrategyNames(),-12} {wire,-10} {b.Score.Latency * 1e3,11:F3} {b.Score.Throughput,13:F2} {b.Score.Accuracy,7:F3} {b.Score.Loss(s.Objective, s.Lambda) * 1e3,10:F3}") + measuredText);
            }
        }
        w.WriteLine();
        var triton = string.Join(", ", o.Plan.Parts.Where(p => p.File is not null).Select(p => $"{p.Device.Name}/{Path.GetFileNameWithoutExtension(p.File)}"));
        w.WriteLine($"wrote {outputFolder}: {string.Join(", ", o.Plan.Parts.Where(p => p.File is not null).Select(p => p.File))}, plan.json, build-engines.sh, report.html{(measured ? ", measure.json" : "")}, " +
                    $"triton/ ({triton}), DEPLOY.md");
    }
}
