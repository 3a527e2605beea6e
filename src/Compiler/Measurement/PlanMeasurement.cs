using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Compiler.Schema;
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
    /// <summary>Whether the host was probed in the same rounds as the parts (else its profile was given).</summary>
    public bool HostProbed { get; init; }

    /// <summary>The probe's warnings (a busy host), each once.</summary>
    public IReadOnlyList<string> ProbeWarnings { get; init; } = [];

    /// <summary>How many batches the parts were timed in (a probed host has a profile per batch; <see cref="Host"/> is the first).</summary>
    public int HostBatches { get; init; } = 1;

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
    /// <param name="host">The host profile given, or the host probed in the same rounds as the parts (each part predicted by its batch's profile).</param>
    public static PlanMeasurementResult Run(string model, IReadOnlyList<PlanPartInput> parts, HostSource host, TimingOptions timing, Action<string, int, int>? progress = null)
    {
        timing = timing.Validated();
        var timed = HostTiming.Time(parts.Select(p => p.Model).ToList(), host, timing, progress);
        var rows = parts.Select((p, i) => new PlanPartMeasurement(p.Index, p.File, p.Device, p.PlanPredictedSeconds, HostPrediction.Seconds(p.Model, timed.HostOf(i)), timed.Seconds[i])).ToList();
        return new PlanMeasurementResult(model, timed.Hosts[0], timing, rows) { HostProbed = timed.Probed, ProbeWarnings = timed.Warnings, HostBatches = timed.Hosts.Count };
    }

    /// <summary>Reads plan.json and loads its part files (with their external data) from the same folder.</summary>
    public static PlanMeasurementResult FromFile(string planPath, HostSource host, TimingOptions timing, Action<string, int, int>? progress = null)
    {
        var plan = PlanReader.Read(planPath);
        var loaded = new List<PlanPartInput>();
        try
        {
            foreach (var part in plan.RunnableParts())
            {
                loaded.Add(new PlanPartInput(part.Index, part.File!, part.Device, (part.PredictedMs ?? 0) / 1e3, ModelLoader.Load(plan.PathOf(part))));
            }
            return Run(plan.Document.Model, loaded, host, timing, progress);
        }
        finally
        {
            foreach (var p in loaded) p.Model.Dispose();
        }
    }
}
