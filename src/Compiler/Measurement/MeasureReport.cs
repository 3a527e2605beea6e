using System.Globalization;
using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Reports;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>measure's outputs: a table for the terminal and JSON (measure.json) for the sweep and for a compiled plan.</summary>
public static class MeasureReport
{
    public const string FileName = "measure.json";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string SweepText(SweepResult r)
    {
        var w = new StringWriter(C) { NewLine = "\n" };
        w.WriteLine($"model {r.Model}: {r.Units} units, {r.Boundaries.Count} cuts, S1, fp32; host profile '{r.Host.Name}'; {Timing(r.Timing)}");
        w.WriteLine();
        w.WriteLine($"  {"cut",5} {"part",4} {"nodes",5} {"GFLOPs",8} {"pred ms",9} {"meas ms",9} {"err %",7}  after");
        foreach (var p in r.Parts)
        {
            w.WriteLine(string.Create(C, $"  {p.Boundary,5} {p.Part,4} {p.Nodes,5} {p.Flops / 1e9,8:F3} {p.PredictedSeconds * 1e3,9:F3} {p.MeasuredSeconds * 1e3,9:F3} {p.ErrorPercent(),7:F1}  {p.After}"));
        }
        w.WriteLine();
        for (var k = 0; k < r.Profiles.Count; k++)
        {
            var label = k == 0 ? "host profile" : "compared with";
            w.WriteLine(string.Create(C, $"{label} '{r.Profiles[k].Name}': Spearman rank correlation {r.Spearman(k):F3}, MAPE {r.MapePercent(k):F1}% over {r.Parts.Count} parts"));
        }
        return w.ToString();
    }

    public static string SweepJson(SweepResult r) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("model", r.Model);
        w.WriteString("kind", "sweep");
        w.WriteString("strategy", "S1");
        w.WriteString("precision", "fp32");
        w.WritePropertyName("host");
        DeviceProfileJson.Write(w, r.Host);
        WriteTiming(w, r.Timing);
        w.WriteNumber("units", r.Units);
        w.WriteStartArray("cuts");
        foreach (var b in r.Boundaries) w.WriteNumberValue(b);
        w.WriteEndArray();
        w.Real("spearman", r.Spearman());
        w.Real("mapePercent", r.MapePercent(), 2);
        w.WriteStartArray("comparedWith");
        for (var k = 1; k < r.Profiles.Count; k++)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Profiles[k].Name);
            w.Real("spearman", r.Spearman(k));
            w.Real("mapePercent", r.MapePercent(k), 2);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("parts");
        foreach (var p in r.Parts)
        {
            w.WriteStartObject();
            w.WriteNumber("boundary", p.Boundary);
            w.WriteString("after", p.After);
            w.WriteNumber("part", p.Part);
            w.WriteNumber("nodes", p.Nodes);
            w.WriteNumber("flops", (long)p.Flops);
            w.WriteNumber("bytes", (long)p.Bytes);
            w.Real("predictedMs", p.PredictedSeconds * 1e3);
            w.Real("measuredMs", p.MeasuredSeconds * 1e3);
            w.Real("errorPercent", p.ErrorPercent(), 2);
            if (r.Profiles.Count > 1)
            {
                w.WriteStartArray("comparedPredictedMs");
                for (var k = 1; k < r.Profiles.Count; k++) w.WriteNumberValue(Math.Round(p.Predicted[k] * 1e3, 4));
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static string PlanText(PlanMeasurementResult r)
    {
        var w = new StringWriter(C) { NewLine = "\n" };
        w.WriteLine($"model {r.Model}: {r.Parts.Count} part(s) on this host; host profile '{r.Host.Name}'; {Timing(r.Timing)}");
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

    public static string PlanJson(PlanMeasurementResult r) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("model", r.Model);
        w.WriteString("kind", "plan");
        w.WriteString("precision", "fp32");
        w.WritePropertyName("host");
        DeviceProfileJson.Write(w, r.Host);
        WriteTiming(w, r.Timing);
        w.Real("spearman", r.Spearman);
        w.Real("mapePercent", r.MapePercent, 2);
        w.WriteStartArray("parts");
        foreach (var p in r.Parts)
        {
            w.WriteStartObject();
            w.WriteNumber("index", p.Index);
            w.WriteString("file", p.File);
            w.WriteString("device", p.Device);
            w.Real("planPredictedMs", p.PlanPredictedSeconds * 1e3);
            w.Real("hostPredictedMs", p.HostPredictedSeconds * 1e3);
            w.Real("measuredMs", p.MeasuredSeconds * 1e3);
            w.Real("errorPercent", p.ErrorPercent, 2);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string Timing(TimingOptions t) =>
        $"ONNX Runtime CPU, {t.EffectiveThreads} thread(s), median of {t.Runs} run(s) after {t.Warmup} warm-up";

    private static void WriteTiming(Utf8JsonWriter w, TimingOptions t)
    {
        w.WriteStartObject("timing");
        w.WriteNumber("runs", t.Runs);
        w.WriteNumber("warmup", t.Warmup);
        w.WriteNumber("threads", t.EffectiveThreads);
        w.WriteEndObject();
    }

    private static string Fmt(double x) => double.IsFinite(x) ? x.ToString("F3", C) : "n/a";
}
