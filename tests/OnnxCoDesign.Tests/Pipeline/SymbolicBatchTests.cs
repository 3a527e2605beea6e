using System.Text.Json;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Pipeline;

/// <summary>
/// compile of a model whose batch is symbolic: unbound, it warns OCW2001 (as analyze does) and plans for 1;
/// bound with --shape, it plans for that. Either way every part declares the size it was planned for in
/// every input, output and value_info, and the chained parts run in ONNX Runtime and match the original.
/// </summary>
public sealed class SymbolicBatchTests : IDisposable
{
    private const string Devices = "jetson-tx2,jetson-nano,jetson-xavier-nx";

    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (CliRun Run, List<ModelProto> Parts, JsonElement Warnings) Compile(params string[] extra)
    {
        var model = _dir.Write("model.onnx", RepVggBuild.Symbolic().ToByteArray());
        var output = _dir.File("out" + extra.Length);
        var run = CliRun.Of(["compile", model, "-o", output, "--devices", Devices, "--link", "10Gbps", "--objective", "throughput", "--verify", "--inputs", "2", .. extra]);
        Assert.True(run.ExitCode == 0, run.Error);
        var parts = Directory.GetFiles(output, "part*.onnx").Order(StringComparer.Ordinal)
            .Select(f => ModelProto.Parser.ParseFrom(File.ReadAllBytes(f))).ToList();
        Assert.NotEmpty(parts);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        // The parts are static networks now: trtexec up to TensorRT 8 refuses --shapes on those.
        Assert.DoesNotContain("--shapes", File.ReadAllText(Path.Combine(output, "build-engines.sh")));
        return (run, parts, plan.RootElement.GetProperty("warnings").Clone());
    }

    /// <summary>Every declared tensor of every part has numeric dimensions, the batch first; what one part gives the next agrees.</summary>
    private static void AssertBatch(List<ModelProto> parts, long batch)
    {
        var declared = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            var initializers = part.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var info in part.Graph.Input.Where(i => !initializers.Contains(i.Name)).Concat(part.Graph.Output).Concat(part.Graph.ValueInfo))
            {
                var dims = info.Type.TensorType.Shape.Dim;
                Assert.All(dims, d => Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, d.ValueCase));
                Assert.Equal(batch, dims[0].DimValue);
                var shape = dims.Select(d => d.DimValue).ToArray();
                if (declared.TryGetValue(info.Name, out var seen)) Assert.Equal(seen, shape);
                else declared[info.Name] = shape;
            }
        }
    }

    [Fact]
    public void UnboundBatchWarnsOcw2001AndEveryPartIsPlannedForOne()
    {
        var (run, parts, warnings) = Compile();
        var warning = Assert.Single(run.Error.Split('\n'), l => l.Contains("OCW2001"));
        Assert.Contains("model.onnx: warning OCW2001: input", warning);
        Assert.Contains("'batch'", warning);
        var listed = Assert.Single(warnings.EnumerateArray());
        Assert.Equal("OCW2001", listed.GetProperty("code").GetString());
        AssertBatch(parts, 1);
    }

    [Fact]
    public void BoundBatchDoesNotWarnAndEveryPartCarriesTheBinding()
    {
        var (run, parts, warnings) = Compile("--shape", "batch=3");
        Assert.DoesNotContain("OCW2001", run.Error);
        Assert.Empty(warnings.EnumerateArray());
        AssertBatch(parts, 3);
        Assert.True(parts.Count >= 2, $"a three-device plan of this model cuts it at least once, got {parts.Count} part(s)");
    }
}
