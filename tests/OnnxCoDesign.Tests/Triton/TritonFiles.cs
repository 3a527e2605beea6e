using System.Text.Json;
using Onnx;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Triton;

/// <summary>One part of a compiled plan as the tests read it back: plan.json's entry, its config.pbtxt and its ONNX file.</summary>
public sealed record CompiledPart(int Index, string File, string Device, string Folder, TextProto Config)
{
    public string Model => Path.GetFileNameWithoutExtension(File);
}

/// <summary>Reading a compile's output folder back: the parts with files, in chain order, and their configs.</summary>
public static class TritonFiles
{
    public static IReadOnlyList<CompiledPart> Parts(string output)
    {
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        return plan.RootElement.GetProperty("parts").EnumerateArray()
            .Where(p => p.GetProperty("file").ValueKind == JsonValueKind.String)
            .Select(p =>
            {
                var file = p.GetProperty("file").GetString()!;
                var device = p.GetProperty("device").GetString()!;
                var folder = Path.Combine(output, "triton", device, Path.GetFileNameWithoutExtension(file));
                return new CompiledPart(p.GetProperty("index").GetInt32(), file, device, folder, TextProto.Parse(File.ReadAllText(Path.Combine(folder, "config.pbtxt"))));
            })
            .ToList();
    }

    /// <summary>The wire formats of plan.json's links (fp32, fp16, int8).</summary>
    public static IReadOnlyList<string> Wires(string output)
    {
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        return plan.RootElement.GetProperty("transfers").EnumerateArray().Select(t => t.GetProperty("wire").GetString()!).ToList();
    }

    /// <summary>A graph's runtime inputs (not the initializers an old model lists among them).</summary>
    public static IReadOnlyList<ValueInfoProto> Inputs(ModelProto model)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
    }

    public static long[] Dims(ValueInfoProto v) => v.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();

    /// <summary>A compile of <paramref name="args"/> into a fresh folder of <paramref name="dir"/>; fails the test on a non-zero exit.</summary>
    public static string Compile(ScratchDirectory dir, string name, params string[] args)
    {
        var output = dir.File(name);
        var run = CliRun.Of(["compile", .. args, "-o", output]);
        Assert.True(run.ExitCode == 0, run.Error);
        return output;
    }
}
