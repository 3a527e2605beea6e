using System.Text.Json;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>
/// The timing trace `trtexec --exportTimes=FILE` writes (Profiler's exportJSONTrace): a JSON array with one object
/// per inference. TensorRT 8 and later write startEnqMs, endEnqMs, startH2dMs, …, h2dMs, computeMs, d2hMs,
/// latencyMs; TensorRT 7 wrote startInMs, …, inMs, computeMs, outMs, latencyMs, endToEndMs. computeMs (the GPU
/// time of one inference, without the host copies) is in every version and is what is kept: its median, and
/// latencyMs's where present. Unlike the per-layer profile, these runs are not slowed by per-layer timing.
/// </summary>
public sealed record TrtexecTimes(int Runs, double ComputeSeconds, double? LatencySeconds)
{
    public static readonly InputFileKind FileKind = new("trtexec times file", 256L << 20,
        ErrorCodes.FileNotFound, "trtexec times file not found", ErrorCodes.FileUnreadable, ErrorCodes.FileNotRegular, ErrorCodes.FileTooLarge);

    public static TrtexecTimes Read(string path) => Parse(GuardedFile.ReadAllText(path, FileKind), path);

    public static TrtexecTimes Parse(string text, string? file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw Malformed($"not valid JSON ({e.Message})", file);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array) throw Malformed($"expected a JSON array of runs, got {TrtexecJson.Kind(root)}", file);
            var compute = new List<double>();
            var latency = new List<double>();
            var i = 0;
            foreach (var run in root.EnumerateArray())
            {
                if (run.ValueKind != JsonValueKind.Object || !run.TryGetProperty("computeMs", out var c))
                {
                    throw Malformed($"run {i} has no 'computeMs' (is this an --exportProfile file?)", file);
                }
                compute.Add(TrtexecJson.Milliseconds(c, $"run {i}: 'computeMs'", file, Malformed) * 1e-3);
                if (run.TryGetProperty("latencyMs", out var l)) latency.Add(TrtexecJson.Milliseconds(l, $"run {i}: 'latencyMs'", file, Malformed) * 1e-3);
                i++;
            }
            if (compute.Count == 0) throw Malformed("the array lists no run", file);
            var median = Statistics.Median(compute);
            if (median <= 0) throw Malformed("the median computeMs is 0", file);
            return new TrtexecTimes(compute.Count, median, latency.Count == compute.Count ? Statistics.Median(latency) : null);
        }
    }

    private static CodesignException Malformed(string message, string? file) =>
        new(ErrorCodes.TrtexecTimesMalformed, "trtexec times: " + message, file);
}
