using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Reports;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// plan.json: the setup (devices, link, precision, objective, λ, models), the parts in pipeline order with
/// their files, devices, strategies, costs and edges, the transfers, the totals, the baselines, the Pareto
/// front, the per-cut sweep and the strategy of every block. Times in milliseconds; no paths, no clock.
/// </summary>
public static class PlanJson
{
    public const string FileName = "plan.json";

    public static string Write(CompileOutcome o) => JsonText.Write(w =>
    {
        var s = o.Settings;
        var chosen = o.Search.Chosen;
        w.WriteStartObject();
        w.WriteString("model", o.DisplayName);
        w.WriteString("tool", $"codesign-compile {typeof(PlanJson).Assembly.GetName().Version?.ToString(3)}");
        w.WriteStartArray("devices");
        foreach (var d in s.Devices) DeviceProfileJson.Write(w, d);
        w.WriteEndArray();
        w.WriteStartObject("link");
        w.WriteString("spec", LinkSpec.Format(s.Link));
        w.WriteNumber("bitsPerSecond", s.Link.BitsPerSecond);
        w.Real("latencyMs", s.Link.LatencySeconds * 1e3);
        w.WriteEndObject();
        w.WriteString("precision", s.Precision.ToString().ToLowerInvariant());
        w.WriteString("objective", s.Objective.ToString().ToLowerInvariant());
        w.WriteNumber("lambda", s.Lambda);
        w.WriteString("accuracy", s.Accuracy.ToString().ToLowerInvariant());
        w.WriteStartArray("strategyAccuracyCost");
        foreach (var a in o.StrategyAccuracyCost) w.WriteNumberValue(Math.Round(a, 6));
        w.WriteEndArray();
        w.WriteString("costModel", s.CostModel.ToString().ToLowerInvariant());
        w.WriteNumber("units", o.Planning.Units.Count);
        w.WriteNumber("blockCount", o.Planning.BlockCount);

        w.WriteStartArray("parts");
        foreach (var p in o.Plan.Parts) Part(w, p);
        w.WriteEndArray();
        w.WriteStartArray("transfers");
        foreach (var t in o.Plan.Transfers)
        {
            w.WriteStartObject();
            w.WriteNumber("link", t.Link);
            w.WriteString("from", t.From);
            w.WriteString("to", t.To);
            Tensors(w, "tensors", t.Tensors);
            w.WriteNumber("bytes", t.Bytes);
            w.Real("ms", t.Seconds * 1e3);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WritePropertyName("totals");
        Score(w, chosen, s, stages: true);
        w.WriteStartArray("baselines");
        foreach (var b in o.Search.Baselines.Append(chosen))
        {
            w.WriteStartObject();
            w.WriteString("name", b.Name);
            w.WriteString("description", b.Description);
            w.WritePropertyName("plan");
            Score(w, b, s, stages: true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("pareto");
        foreach (var pt in o.Search.Front) Score(w, new NamedPlan("", "", pt.Choice, pt.Score), s);
        w.WriteEndArray();
        w.WriteStartArray("sweep");
        foreach (var pt in o.Search.Sweep)
        {
            w.WriteStartObject();
            w.WriteNumber("boundary", pt.Boundary);
            w.WriteString("after", pt.After);
            w.WriteNumber("crossingBytes", pt.CrossingBytes);
            w.Real("latencyMsS1", pt.Static.Latency * 1e3);
            w.Real("throughputFpsS1", pt.Static.Throughput);
            w.Real("latencyMs", pt.Best.Latency * 1e3);
            w.Real("throughputFps", pt.Best.Throughput);
            w.WriteString("strategies", pt.BestChoice.StrategyNames());
            w.Real("accuracyCost", pt.Best.Accuracy);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("blocks");
        foreach (var b in o.Plan.Fusion.Blocks)
        {
            w.WriteStartObject();
            w.WriteNumber("index", b.Index);
            w.WriteString("name", b.Name);
            w.WriteNumber("part", o.Plan.Parts.First(p => p.Blocks.Contains(b.Index)).Index);
            w.WriteString("strategy", b.Strategy.ToString());
            w.WriteString("result", b.Result);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("unknownOps");
        foreach (var u in o.Planning.Base.Cost.UnknownNodes) w.WriteStringValue($"{u.Node} ({u.OpType})");
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void Part(Utf8JsonWriter w, PlannedPart p)
    {
        w.WriteStartObject();
        w.WriteNumber("index", p.Index);
        if (p.File is null) w.WriteNull("file");
        else w.WriteString("file", p.File);
        w.WriteString("device", p.Device.Name);
        if (p.Strategy is null) w.WriteNull("strategy");
        else w.WriteString("strategy", p.Strategy.ToString());
        w.WriteNumber("nodes", p.Nodes.Count);
        w.WriteNumber("flops", (long)p.Flops);
        w.WriteNumber("bytes", (long)p.Bytes);
        w.Real("predictedMs", p.PredictedSeconds * 1e3);
        Tensors(w, "inputs", p.Inputs);
        Tensors(w, "outputs", p.Outputs);
        w.WriteEndObject();
    }

    private static void Tensors(Utf8JsonWriter w, string name, IReadOnlyList<TensorSpec> tensors)
    {
        w.WriteStartArray(name);
        foreach (var t in tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            w.WriteString("type", t.Type);
            w.WriteStartArray("shape");
            foreach (var d in t.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteNumber("bytes", t.Bytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <param name="stages">
    /// Also write each part's and each transfer's seconds (stagesMs, transfersMs, in pipeline order), so
    /// `simulate` can queue a baseline's stages as it does the chosen plan's parts; the Pareto front leaves them out.
    /// </param>
    private static void Score(Utf8JsonWriter w, NamedPlan plan, PlannerSettings s, bool stages = false)
    {
        w.WriteStartObject();
        w.WriteStartArray("cuts");
        foreach (var c in plan.Choice.Cuts) w.WriteNumberValue(c);
        w.WriteEndArray();
        w.WriteString("strategies", plan.Choice.StrategyNames());
        w.Real("latencyMs", plan.Score.Latency * 1e3);
        w.Real("periodMs", plan.Score.Period * 1e3);
        w.Real("throughputFps", plan.Score.Throughput);
        w.Real("accuracyCost", plan.Score.Accuracy, 6);
        w.Real("lossMs", plan.Score.Loss(s.Objective, s.Lambda) * 1e3);
        if (stages)
        {
            Milliseconds(w, "stagesMs", plan.Score.StageSeconds);
            Milliseconds(w, "transfersMs", plan.Score.TransferSeconds);
        }
        w.WriteEndObject();
    }

    private static void Milliseconds(Utf8JsonWriter w, string name, IEnumerable<double> seconds)
    {
        w.WriteStartArray(name);
        foreach (var x in seconds) w.WriteNumberValue(Math.Round(x * 1e3, 4));
        w.WriteEndArray();
    }
}
