using System.Text.Json;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>One layer of a trtexec profile: TensorRT's (fused) layer name and its time per inference.</summary>
public sealed record TrtexecLayer(string Name, double Seconds);

/// <summary>
/// The per-layer profile `trtexec --exportProfile=FILE` writes (samples/common/sampleReporting.cpp,
/// Profiler::exportJSONProfile): a JSON array whose first element is {"count": N}, the profiled runs, followed
/// by one object per layer in execution order:
/// <code>
/// [ { "count" : 50 }
/// , { "name" : "Conv_0 + Relu_1", "timeMs" : 12.5, "averageMs" : 0.25, "medianMs" : 0.24, "percentage" : 8.1 }
/// , … ]
/// </code>
/// medianMs exists from TensorRT 8.4 on; older versions write timeMs (the total over the runs), averageMs and
/// percentage only. A layer's time per inference is its medianMs where given (robust to a slow first run),
/// else averageMs, else timeMs / count. Unknown keys are ignored: later TensorRT versions may add some.
/// </summary>
public sealed record TrtexecProfile(int Runs, IReadOnlyList<TrtexecLayer> Layers, string Statistic)
{
    /// <summary>Trtexec profiles of real engines are a few hundred KiB; 64 MiB bounds a wrong path, not a profile.</summary>
    public static readonly InputFileKind FileKind = new("trtexec profile", 64L << 20,
        ErrorCodes.FileNotFound, "trtexec profile not found", ErrorCodes.FileUnreadable, ErrorCodes.FileNotRegular, ErrorCodes.FileTooLarge);

    public double TotalSeconds => Layers.Sum(l => l.Seconds);

    public static TrtexecProfile Read(string path) => Parse(GuardedFile.ReadAllText(path, FileKind), path);

    /// <summary>Parses a profile's text; <paramref name="file"/> names it in errors.</summary>
    public static TrtexecProfile Parse(string text, string? file)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Empty("the file is empty", file);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw Malformed($"not valid JSON ({e.Message})", file);
        }
        using (document) return Read(document.RootElement, file);
    }

    private static TrtexecProfile Read(JsonElement root, string? file)
    {
        if (root.ValueKind != JsonValueKind.Array) throw Malformed($"expected a JSON array ([{{\"count\": N}}, {{\"name\": …, \"averageMs\": …}}, …]), got {TrtexecJson.Kind(root)}", file);
        var items = root.EnumerateArray().ToList();
        if (items.Count == 0) throw Empty("the array is empty (no {\"count\": N} and no layers)", file);
        var head = items[0];
        if (head.ValueKind != JsonValueKind.Object || !head.TryGetProperty("count", out var countValue))
        {
            throw Malformed("the first element must be {\"count\": N}, the number of profiled runs (is this an --exportTimes or --exportLayerInfo file?)", file);
        }
        if (countValue.ValueKind != JsonValueKind.Number || !countValue.TryGetInt32(out var runs) || runs < 0)
        {
            throw Malformed($"'count' must be a whole number of runs, got {countValue.GetRawText()}", file);
        }
        if (runs == 0) throw Empty("'count' is 0: the engine was never run while profiling", file);
        if (items.Count == 1) throw Empty("it lists no layer", file);

        var layers = new List<TrtexecLayer>(items.Count - 1);
        var statistics = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < items.Count; i++)
        {
            var (layer, statistic) = Layer(items[i], i, runs, file);
            layers.Add(layer);
            statistics.Add(statistic);
        }
        if (layers.Sum(l => l.Seconds) <= 0) throw Empty($"all {layers.Count} layers took 0 ms", file);
        return new TrtexecProfile(runs, layers, string.Join("/", statistics.Order(StringComparer.Ordinal)));
    }

    private static (TrtexecLayer Layer, string Statistic) Layer(JsonElement e, int index, int runs, string? file)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Malformed($"element {index} must be a layer object, got {TrtexecJson.Kind(e)}", file);
        if (!e.TryGetProperty("name", out var nameValue) || nameValue.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameValue.GetString()))
        {
            throw Malformed($"element {index} has no layer 'name' string", file);
        }
        var name = nameValue.GetString()!;
        foreach (var key in new[] { "medianMs", "averageMs", "timeMs" })
        {
            if (!e.TryGetProperty(key, out var v)) continue;
            var ms = TrtexecJson.Milliseconds(v, $"layer '{TrtexecJson.Short(name)}': '{key}'", file, Malformed);
            return (new TrtexecLayer(name, (key == "timeMs" ? ms / runs : ms) * 1e-3), key);
        }
        throw Malformed($"layer '{TrtexecJson.Short(name)}' has none of medianMs, averageMs, timeMs", file);
    }

    private static CodesignException Malformed(string message, string? file) =>
        new(ErrorCodes.TrtexecProfileMalformed, "trtexec profile: " + message, file);

    private static CodesignException Empty(string message, string? file) =>
        new(ErrorCodes.TrtexecProfileEmpty, "trtexec profile: nothing to fit: " + message, file);
}
