using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>
/// One part of a compiled plan on this host: the plan's own prediction (for the device it was planned for),
/// the host profile's prediction of the same part, and ONNX Runtime's measured time.
/// </summary>
public sealed record PlanPartMeasurement(int Index, string File, string Device, double PlanPredictedSeconds, double HostPredictedSeconds, double MeasuredSeconds)
{
    /// <summary>(host prediction − measured) / measured, in percent.</summary>
    public double ErrorPercent => (HostPredictedSeconds - MeasuredSeconds) / MeasuredSeconds * 100;
}

public sealed record PlanMeasurementResult(string Model, DeviceProfile Host, TimingOptions Timing, IReadOnlyList<PlanPartMeasurement> Parts)
{
    /// <summary>Spearman's ρ of host prediction against measurement (NaN with fewer than two parts or ties everywhere).</summary>
    public double Spearman => Statistics.Spearman(Parts.Select(p => p.HostPredictedSeconds).ToList(), Parts.Select(p => p.MeasuredSeconds).ToList());

    public double MapePercent => Statistics.MeanAbsolutePercentageError(Parts.Select(p => p.HostPredictedSeconds).ToList(), Parts.Select(p => p.MeasuredSeconds).ToList());
}

/// <summary>A part to time: where it sits in the plan and its model.</summary>
public sealed record PlanPartInput(int Index, string File, string Device, double PlanPredictedSeconds, LoadedModel Model);

/// <summary>
/// Runs each part of a compiled plan (partK.onnx beside plan.json) on this host and sets the measured
/// latency beside the predictions. Relay parts (no file) have nothing to run and are left out.
/// </summary>
public static class PlanMeasurement
{
    public static PlanMeasurementResult Run(string model, IReadOnlyList<PlanPartInput> parts, DeviceProfile host, TimingOptions timing, Action<string, int, int>? progress = null)
    {
        timing = timing.Validated();
        var measured = TimedBatch.Medians(parts.Select(p => p.Model).ToList(), timing, (done, total) => progress?.Invoke("measure: timing parts", done, total));
        var rows = parts.Select((p, i) => new PlanPartMeasurement(p.Index, p.File, p.Device, p.PlanPredictedSeconds, HostPrediction.Seconds(p.Model, host), measured[i])).ToList();
        return new PlanMeasurementResult(model, host, timing, rows);
    }

    /// <summary>Reads plan.json and loads its part files (with their external data) from the same folder.</summary>
    public static PlanMeasurementResult FromFile(string planPath, DeviceProfile host, TimingOptions timing, Action<string, int, int>? progress = null)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(planPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CodesignException(ErrorCodes.FileNotFound, "plan file not found", planPath);
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(planPath))!;
        var (model, entries) = Parse(text, planPath);
        var loaded = new List<PlanPartInput>();
        try
        {
            foreach (var (index, file, device, ms) in entries)
            {
                loaded.Add(new PlanPartInput(index, file, device, ms / 1e3, ModelLoader.Load(Path.Combine(folder, file))));
            }
            return Run(model, loaded, host, timing, progress);
        }
        finally
        {
            foreach (var p in loaded) p.Model.Dispose();
        }
    }

    private static (string Model, List<(int Index, string File, string Device, double PredictedMs)> Parts) Parse(string text, string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var model = root.GetProperty("model").GetString() ?? "model";
            var parts = new List<(int, string, string, double)>();
            foreach (var p in root.GetProperty("parts").EnumerateArray())
            {
                if (p.GetProperty("file").ValueKind != JsonValueKind.String) continue; // a relay part: nothing to run
                var file = p.GetProperty("file").GetString()!;
                // Part files sit beside plan.json; a name that leaves the folder is not one compile wrote.
                if (file != Path.GetFileName(file)) throw new CodesignException(ErrorCodes.PlanMalformed, $"plan.json names part file '{file}' outside its folder", path);
                parts.Add((p.GetProperty("index").GetInt32(), file, p.GetProperty("device").GetString() ?? "?", p.GetProperty("predictedMs").GetDouble()));
            }
            return (model, parts);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CodesignException(ErrorCodes.PlanMalformed, $"not a plan.json written by compile ({e.Message})", path);
        }
    }
}
