using System.Text.Json;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Schema;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>
/// compile with --precision as the lowest precision allowed: each part runs at the lowest its device supports at
/// or above it, and plan.json, build-engines.sh and the warnings say so; no device is asked for what it lacks.
/// </summary>
public sealed class PrecisionPerDeviceCompileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>build-engines.sh's block for one part: from its "# partN:" comment to the next blank line.</summary>
    private static string Section(string script, int part)
    {
        var start = script.IndexOf($"\n# part{part}:", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no part{part} in the script");
        var end = script.IndexOf("\n\n", start + 1, StringComparison.Ordinal);
        return end < 0 ? script[start..] : script[start..end];
    }

    [Fact]
    public void Int8PartsWithoutCalibrationDataAreRefusedBeforeAnythingIsWritten()
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "--devices", "jetson-nano,jetson-xavier-nx", "--precision", "int8", "--link", "1Gbps", "-o", output);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1856", run.Error);
        Assert.Contains("part1 (jetson-xavier-nx)", run.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Int8OverNanoAndXavierNxBuildsTheNanoPartAtFp16AndSaysSo()
    {
        var output = _dir.File("out");
        // A 1 Gbps link makes the stem worth running on the Nano, so both parts have a model.
        var run = CliRun.Of("compile", "--sample", "repvgg-a0", "--devices", "jetson-nano,jetson-xavier-nx", "--precision", "int8", "--link", "1Gbps", "-o", output,
            "--calibration", CalibrationFiles.ForSample(_dir, "repvgg-a0"));
        Assert.True(run.ExitCode == 0, run.Error);
        // The int8 part is an explicitly quantized (QDQ) model; the Nano's fp16 part is left for TensorRT's --fp16.
        var ops = (string file) => ModelLoader.Load(Path.Combine(output, file)).Model.Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.DoesNotContain("QuantizeLinear", ops("part0.onnx"));
        Assert.Contains("QuantizeLinear", ops("part1.onnx"));
        Assert.Contains("DequantizeLinear", ops("part1.onnx"));
        const string warning = "warning OCW2004: jetson-nano has no int8 path (it runs fp16, fp32); part0 runs at fp16";
        Assert.Single(run.Error.Split('\n'), l => l.Contains("OCW2004"));
        Assert.Contains(warning, run.Error);

        var text = File.ReadAllText(Path.Combine(output, "plan.json"));
        Assert.Empty(PlanSchema.Errors(text));
        using var plan = JsonDocument.Parse(text);
        var root = plan.RootElement;
        Assert.Equal("int8", root.GetProperty("precision").GetString()); // the lowest allowed, as requested
        var parts = root.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(["fp16", "int8"], parts.Select(p => p.GetProperty("precision").GetString()));
        Assert.All(parts, p => Assert.Equal(JsonValueKind.String, p.GetProperty("file").ValueKind));
        var warnings = root.GetProperty("warnings").EnumerateArray().Where(w => w.GetProperty("code").GetString() == "OCW2004").ToList();
        Assert.Equal("jetson-nano has no int8 path (it runs fp16, fp32); part0 runs at fp16", Assert.Single(warnings).GetProperty("message").GetString());
        // The Nano's profile in the plan has no int8 rate to be costed at.
        var nano = root.GetProperty("devices")[0];
        Assert.False(nano.TryGetProperty("int8Tops", out _));
        Assert.Equal(["fp16", "fp32"], nano.GetProperty("precisions").EnumerateArray().Select(e => e.GetString()));

        var script = File.ReadAllText(Path.Combine(output, "build-engines.sh"));
        var nanoPart = Section(script, 0);
        Assert.Contains("TensorRT 8.2, fp16", nanoPart);
        Assert.Contains("    --fp16", nanoPart);
        Assert.DoesNotContain("--int8", nanoPart);
        var nxPart = Section(script, 1);
        Assert.Contains("TensorRT 8.5, int8", nxPart);
        Assert.Contains("    --int8 \\\n    --fp16\n", nxPart);
        Assert.Contains("part1.onnx is a QDQ model", nxPart);
        Assert.Contains("# QDQ int8 parts (explicit quantization; no calibration cache): part1 (jetson-xavier-nx).", script);
        Assert.DoesNotContain("--calib", script);

        Assert.Matches(@"\n  0 +jetson-nano +fp16 ", run.Out);
        Assert.Matches(@"\n  1 +jetson-xavier-nx +int8 ", run.Out);
        Assert.Contains("lowest precision int8", run.Out);
    }

    [Fact]
    public void AnFp32OnlyProfileRunsAnFp16RequestAtFp32()
    {
        // A fast fp32-only box first and a slow link: the whole model stays on it.
        var profile = _dir.File("fp32-box.json");
        File.WriteAllText(profile, """
            { "name": "fp32-box", "fp32Tflops": 50, "fp16Tflops": 100, "memoryGBps": 900, "tensorRt": "8.5", "precisions": ["fp32"] }
            """);
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "--devices", $"{profile},jetson-xavier-nx", "--precision", "fp16", "--link", "1Mbps", "-o", output);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning OCW2004: fp32-box has no fp16 path (it runs fp32); part0 runs at fp32", run.Error);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var part0 = plan.RootElement.GetProperty("parts")[0];
        Assert.Equal("fp32", part0.GetProperty("precision").GetString());
        Assert.Equal("part0.onnx", part0.GetProperty("file").GetString());
        var section = Section(File.ReadAllText(Path.Combine(output, "build-engines.sh")), 0);
        Assert.Contains("TensorRT 8.5, fp32", section);
        Assert.DoesNotContain("--fp16", section);
        Assert.DoesNotContain("--int8", section);
    }

    [Fact]
    public void APrecisionEveryDeviceRunsRaisesNoWarning()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "--devices", "jetson-nano,jetson-xavier-nx", "--precision", "fp16", "-o", _dir.File("o"), "--json", "-");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("OCW2004", run.Error);
        using var plan = JsonDocument.Parse(run.Out);
        Assert.All(plan.RootElement.GetProperty("parts").EnumerateArray(), p => Assert.Equal("fp16", p.GetProperty("precision").GetString()));
    }
}
