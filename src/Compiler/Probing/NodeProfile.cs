using System.Text.Json;
using OnnxCoDesign.Compiler.Measurement;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// Reads ONNX Runtime's profiler output (a JSON array of trace events): per run (each <c>model_run</c> Session event),
/// the kernel time of one op's nodes in the order they ran. A probe uses it to time one conv of a small model by
/// itself — without the session's fixed cost and the layout reorders around it — where no chain of the same conv
/// can be built (a stride-2 conv halves its input; a 3-channel stem's output is not its input).
/// </summary>
public static class NodeProfile
{
    /// <summary>
    /// The typical seconds (<see cref="Statistics.TypicalSeconds"/>) of the <paramref name="index"/>-th node of <paramref name="opType"/> (in execution order) over every
    /// run after the first <paramref name="skipRuns"/>; null when no run has that node.
    /// </summary>
    public static double? TypicalSeconds(string profileFile, string opType, int index, int skipRuns)
    {
        using var stream = File.OpenRead(profileFile);
        using var doc = JsonDocument.Parse(stream);
        var runs = new List<(long Start, long End)>();
        var nodes = new List<(long Ts, long Dur)>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("cat", out var cat) || !e.TryGetProperty("name", out var name)) continue;
            if (!e.TryGetProperty("ts", out var ts) || !e.TryGetProperty("dur", out var dur)) continue;
            if (cat.GetString() == "Session" && name.GetString() == "model_run")
            {
                runs.Add((ts.GetInt64(), ts.GetInt64() + dur.GetInt64()));
            }
            else if (cat.GetString() == "Node" && name.GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal)
                && e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var op) && op.GetString() == opType)
            {
                nodes.Add((ts.GetInt64(), dur.GetInt64()));
            }
        }
        nodes.Sort();
        var times = new List<double>();
        foreach (var (start, end) in runs.OrderBy(r => r.Start).Skip(skipRuns))
        {
            var inRun = nodes.Where(n => n.Ts >= start && n.Ts <= end).ToList();
            if (inRun.Count > index) times.Add(inRun[index].Dur * 1e-6);
        }
        return times.Count == 0 ? null : Statistics.TypicalSeconds(times);
    }
}
