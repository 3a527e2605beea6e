using System.Globalization;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Schema;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>measure's outputs: a table for the terminal and JSON (measure.json) for the sweep and for a compiled plan.</summary>
public static class MeasureReport
{
    public const string FileName = "measure.json";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string SweepText(SweepResult r)
    {
        var w = new StringWriter(C) { NewLine = "\n" };
        w.WriteLine($"model {r.Model}: {r.Units} units, {r.Boundaries.Count} cuts, S1, fp32; host profile '{r.Host.Name}'{Probed(r.HostProbed, r.HostBatches.Count)}; {Timing(r.Timing)}");
        w.WriteLine();
        w.WriteLine($"  {"cut",5} {"part",4} {"nodes",5} {"GFLOPs",8} {"pred ms",9} {"meas ms",9} {"err %",7}  after");
        foreach (var p in r.Parts)
        {
            w.WriteLine(string.Create(C, $"  {p.Boundary,5} {p.Part,4} {p.Nodes,5} {p.Flops / 1e9,8:F3} {p.PredictedSeconds * 1e3,9:F3} {p.MeasuredSeconds * 1e3,9:F3} {p.ErrorPercent(),7:F1}  {p.After}"));
        }
        w.WriteLine();
        for (var k = 0; k < r.Predictors.Count; k++)
        {
            var label = k == 0 ? "host profile" : "compared with";
            w.WriteLine(string.Create(C, $"{label} '{r.Predictors[k]}': Spearman rank correlation {r.Spearman(k):F3}, MAPE {r.MapePercent(k):F1}% over {r.Parts.Count} parts"));
        }
        return w.ToString();
    }

    public static string SweepJson(SweepResult r) => CodesignJson.Write(new MeasureSweepDocument
    {
        Model = r.Model,
        Strategy = "S1",
        Precision = "fp32",
        Host = DeviceProfileJson.Document(r.Host),
        HostProbed = r.HostProbed,
        HostBatches = r.HostBatches.Count > 1 ? r.HostBatches.Select(DeviceProfileJson.Document).ToList() : null,
        Timing = TimingOf(r.Timing),
        Units = r.Units,
        Cuts = r.Boundaries,
        Spearman = CodesignJson.Real(r.Spearman()),
        MapePercent = CodesignJson.Real(r.MapePercent(), 2),
        ComparedWith = Enumerable.Range(1, r.Predictors.Count - 1).Select(k => new MeasureComparedProfile
        {
            Name = r.Predictors[k],
            Spearman = CodesignJson.Real(r.Spearman(k)),
            MapePercent = CodesignJson.Real(r.MapePercent(k), 2),
        }).ToList(),
        Warnings = Warnings.From(r.Warnings),
        Parts = r.Parts.Select(p => new MeasureSweepPart
        {
            Boundary = p.Boundary,
            After = p.After,
            Part = p.Part,
            Nodes = p.Nodes,
            Flops = (long)p.Flops,
            Bytes = (long)p.Bytes,
            PredictedMs = CodesignJson.Real(p.PredictedSeconds * 1e3),
            MeasuredMs = CodesignJson.Real(p.MeasuredSeconds * 1e3),
            ErrorPercent = CodesignJson.Real(p.ErrorPercent(), 2),
            ComparedPredictedMs = r.Predictors.Count > 1 ? Enumerable.Range(1, r.Predictors.Count - 1).Select(k => Math.Round(p.Predicted[k] * 1e3, 4)).ToList() : null,
            Batch = r.HostBatches.Count > 1 ? p.Batch : null,
        }).ToList(),
    }, CodesignJsonWriter.Default.MeasureSweepDocument);

    public static string PlanText(PlanMeasurementResult r)
    {
        var w = new StringWriter(C) { NewLine = "\n" };
        w.WriteLine($"model {r.Model}: {r.Parts.Count} part(s) on this host; host profile '{r.Host.Name}'{Probed(r.HostProbed, r.HostBatches)}; {Timing(r.Timing)}");
        w.WriteLine();
        w.WriteLine($"  {"part",4} {"planned for",-18} {"plan ms",9} {"host ms",9} {"meas ms",9} {"err %",7}  file");
        foreach (var p in r.Parts)
        {
            w.WriteLine(string.Create(C, $"  {p.Index,4} {p.Device,-18} {p.PlanPredictedSeconds * 1e3,9:F3} {p.HostPredictedSeconds * 1e3,9:F3} {p.MeasuredSeconds * 1e3,9:F3} {p.ErrorPercent,7:F1}  {p.File}"));
        }
        w.WriteLine();
        w.WriteLine("plan ms: the plan's prediction for the device it was planned for; host ms: the host profile's prediction (fp32); meas ms: ONNX Runtime here.");
        w.WriteLine(string.Create(C, $"host profile against measurement: Spearman rank correlation {Fmt(r.Spearman)}, MAPE {r.MapePercent:F1}%"));
        return w.ToString();
    }

    public static string PlanJson(PlanMeasurementResult r) => CodesignJson.Write(new MeasurePlanDocument
    {
        Model = r.Model,
        Precision = "fp32",
        Host = DeviceProfileJson.Document(r.Host),
        HostProbed = r.HostProbed,
        Timing = TimingOf(r.Timing),
        Spearman = CodesignJson.Real(r.Spearman),
        MapePercent = CodesignJson.Real(r.MapePercent, 2),
        Parts = r.Parts.Select(p => new MeasurePlanPart
        {
            Index = p.Index,
            File = p.File,
            Device = p.Device,
            PlanPredictedMs = CodesignJson.Real(p.PlanPredictedSeconds * 1e3),
            HostPredictedMs = CodesignJson.Real(p.HostPredictedSeconds * 1e3),
            MeasuredMs = CodesignJson.Real(p.MeasuredSeconds * 1e3),
            ErrorPercent = CodesignJson.Real(p.ErrorPercent, 2),
        }).ToList(),
    }, CodesignJsonWriter.Default.MeasurePlanDocument);

    private static string Probed(bool probed, int batches) => !probed ? ""
        : batches > 1 ? $" (probed in the same rounds as each of {batches} batches of parts, which it predicts)"
        : " (probed in the same rounds as the parts)";

    private static string Timing(TimingOptions t) =>
        $"ONNX Runtime CPU, {t.EffectiveThreads} thread(s), mean of the middle runs of {t.Runs} (a fifth dropped at each end) after {t.Warmup} warm-up";

    private static MeasureTiming TimingOf(TimingOptions t) => new() { Runs = t.Runs, Warmup = t.Warmup, Threads = t.EffectiveThreads };

    private static string Fmt(double x) => double.IsFinite(x) ? x.ToString("F3", C) : "n/a";
}
