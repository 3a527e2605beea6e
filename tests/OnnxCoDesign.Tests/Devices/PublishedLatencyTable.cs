using System.Globalization;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>One row of src/Compiler/Devices/published-latencies.csv: a latency a source published, as printed.</summary>
public sealed record PublishedLatency(
    string Model, string Input, string Device, Precision Precision, int Batch, string TensorRt, double LatencyMs, string PublishedAs, string Source)
{
    public override string ToString() => $"{Model} on {Device} ({Precision.Name()}, batch {Batch})";
}

/// <summary>Reads the published-latency table: comment lines start with '#', then a header, then one row per line.</summary>
public static class PublishedLatencyTable
{
    public const string Header = "model,input,device,precision,batch,tensorrt,latency_ms,published_as,source";

    public static string PathInRepository => Path.Combine(RepoPaths.Root, "src", "Compiler", "Devices", "published-latencies.csv");

    public static IReadOnlyList<PublishedLatency> Rows { get; } = Read(File.ReadAllText(PathInRepository));

    public static IReadOnlyList<PublishedLatency> Read(string text)
    {
        var lines = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count == 0 || lines[0] != Header) throw new FormatException($"the table's header is not '{Header}'");
        return lines.Skip(1).Select(Row).ToList();
    }

    private static PublishedLatency Row(string line)
    {
        var f = line.Split(',');
        if (f.Length != 9) throw new FormatException($"{f.Length} fields, not 9: {line}");
        var precision = TargetPrecisionNames.Parse(f[3]) ?? throw new FormatException($"precision '{f[3]}': {line}");
        return new PublishedLatency(f[0], f[1], f[2], precision, int.Parse(f[4], CultureInfo.InvariantCulture), f[5],
            double.Parse(f[6], CultureInfo.InvariantCulture), f[7], f[8]);
    }
}
