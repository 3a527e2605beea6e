using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>
/// build-engines.sh as compile writes it, run with a stand-in trtexec that records its arguments: a plan over a TensorRT
/// 8.2, an 8.5, a 10.16 and an 11 device gets each version's flags, its comments name what its commands build, it is
/// executable, and --shape-range gives the profile flags.
/// </summary>
public sealed partial class EngineScriptCompileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A user profile of a GPU on TensorRT <paramref name="version"/>, all alike but for the version, so a throughput plan
    /// spreads a long chain over all of them (the catalog has no TensorRT 11 device yet).
    /// </summary>
    private string GpuProfile(string version)
    {
        var name = "gpu-trt" + version.Replace('.', '-');
        var path = _dir.File(name + ".json");
        File.WriteAllText(path, $$"""
            { "name": "{{name}}", "fp32Tflops": 2, "fp16Tflops": 4, "int8Tops": 8, "memoryGBps": 100,
              "tensorRt": "{{version}}", "precisions": ["int8", "fp16", "fp32"] }
            """);
        return path;
    }

    private string Model(ModelProto model, string name = "chain.onnx")
    {
        var path = _dir.File(name);
        BadModels.Write(model, path);
        return path;
    }

    /// <summary>
    /// A stand-in trtexec: each call appends its arguments, one a line, then "---", to the file in TRTEXEC_LOG.
    /// Returns its path.
    /// </summary>
    private string FakeTrtexec()
    {
        var fake = _dir.File("fake-trtexec");
        File.WriteAllText(fake, "#!/bin/sh\n{ for a in \"$@\"; do printf '%s\\n' \"$a\"; done; echo ---; } >> \"$TRTEXEC_LOG\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return fake;
    }

    /// <summary>Runs the script itself (its exec bit and shebang), not through bash; each trtexec call's arguments.</summary>
    private List<string[]> RunScript(string folder, string target)
    {
        var log = _dir.File("trtexec-" + Guid.NewGuid().ToString("N") + ".log");
        var info = new ProcessStartInfo(Path.Combine(folder, "build-engines.sh")) { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(target);
        info.Environment["TRTEXEC"] = FakeTrtexec();
        info.Environment["TRTEXEC_LOG"] = log;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "build-engines.sh did not finish");
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {stderr.Result}{stdout.Result}");
        if (!File.Exists(log)) return [];
        return File.ReadAllText(log).Split("---\n", StringSplitOptions.RemoveEmptyEntries).Select(c => c.TrimEnd('\n').Split('\n')).ToList();
    }

    private static List<JsonElement> Parts(string output)
    {
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        return plan.RootElement.GetProperty("parts").EnumerateArray().Select(p => p.Clone()).ToList();
    }

    [Fact]
    public void FourTensorRtVersionsGetTheFlagsEachDocuments()
    {
        if (OperatingSystem.IsWindows()) return;
        var model = Model(ConvChain.Build(200));
        var devices = new[] { "8.2", "8.5", "10.16", "11.0" }.Select(GpuProfile).ToList();
        var output = _dir.File("out");

        var run = CliRun.Of("compile", model, "-o", output, "--devices", string.Join(",", devices), "--objective", "throughput", "--link", "10Gbps", "--wire", "fp32", "--verify", "--inputs", "1");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("chained parts as written (fp16 parts cast for strongly typed TensorRT)", run.Out);
        var parts = Parts(output);
        Assert.Equal(["gpu-trt8-2", "gpu-trt8-5", "gpu-trt10-16", "gpu-trt11-0"], parts.Select(p => p.GetProperty("device").GetString()));
        Assert.All(parts, p => Assert.Equal("fp16", p.GetProperty("precision").GetString()));
        // TensorRT ≥ 10.12 builds strongly typed: compile wrote those parts in fp16, and plan.json says so.
        Assert.Equal([false, false, true, true], parts.Select(p => p.TryGetProperty("storedPrecision", out var s) && s.GetString() == "fp16"));
        for (var j = 0; j < 4; j++)
        {
            var part = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(output, $"part{j}.onnx")));
            var weights = part.Graph.Initializer.Select(t => t.DataType).Distinct().ToList();
            Assert.Equal(j >= 2 ? [ElementType.Float16] : [ElementType.Float], weights);
            Assert.All(part.Graph.Input.Concat(part.Graph.Output), v => Assert.Equal(ElementType.Float, v.Type.TensorType.ElemType));
        }

        var mode = File.GetUnixFileMode(Path.Combine(output, "build-engines.sh"));
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute) && mode.HasFlag(UnixFileMode.OtherExecute), $"mode {mode}");
        var calls = RunScript(output, "all");
        Assert.Equal(4, calls.Count);
        string Precision(string[] args) => string.Join(' ', args.Where(a => a is "--fp16" or "--int8" or "--stronglyTyped" or "--best"));
        // 8.2: --workspace (MiB), weak typing --fp16.   8.5: --memPoolSize, --fp16.
        // 10.16: the fp16 file builds --stronglyTyped (weak typing deprecated from 10.12).   11: strongly typed only, no precision flag.
        Assert.Equal(["--fp16", "--fp16", "--stronglyTyped", ""], calls.Select(Precision));
        Assert.Contains("--workspace=1024", calls[0]);
        Assert.All(calls.Skip(1), c => Assert.Contains("--memPoolSize=workspace:1024", c));
        Assert.All(calls, c => Assert.DoesNotContain(c, a => a.StartsWith("--shapes") || a.StartsWith("--minShapes")));
        Assert.Equal(Enumerable.Range(0, 4).Select(j => $"--onnx=part{j}.onnx"), calls.Select(c => c[0]));

        // One device's parts only, as each device runs it.
        Assert.Equal(["--onnx=part3.onnx"], RunScript(output, "gpu-trt11-0").Select(c => c[0]));
    }

    /// <summary>Four devices with relay parts between (a device holding no node): every comment names the part and device of the command under it.</summary>
    [Fact]
    public void CommentsMatchTheirCommandsAcrossRelayParts()
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "detector", "-o", output, "--devices", "jetson-xavier-nx,jetson-nano,raspberry-pi-5,rtx-4090", "--link", "1Gbps");
        Assert.True(run.ExitCode == 0, run.Error);
        var parts = Parts(output);
        Assert.Contains(parts, p => p.GetProperty("file").ValueKind == JsonValueKind.Null);
        var script = File.ReadAllText(Path.Combine(output, "build-engines.sh"));
        var blocks = CommentAndCommand().Matches(script).ToList();
        var built = parts.Where(p => p.GetProperty("file").ValueKind != JsonValueKind.Null && p.GetProperty("device").GetString() != "raspberry-pi-5").ToList();
        Assert.Equal(built.Count, blocks.Count);
        foreach (var m in blocks)
        {
            Assert.Equal(m.Groups["label"].Value, m.Groups["onnx"].Value);
            Assert.Equal(m.Groups["device"].Value, m.Groups["engineDevice"].Value);
            var part = parts.Single(p => p.GetProperty("file").GetString() == m.Groups["label"].Value + ".onnx");
            Assert.Equal(part.GetProperty("device").GetString(), m.Groups["device"].Value);
        }
    }

    // "# partK: DEVICE (…" … "--onnx=partK.onnx" "--saveEngine=triton/DEVICE/partK/1/model.plan" (the device's Triton
    // repository), with no other part's comment between.
    [GeneratedRegex(@"# (?<label>part\d+): (?<device>[a-z0-9-]+) \((?:(?!\n# part\d+: )[\s\S])*?--onnx=(?<onnx>part\d+)\.onnx \\\n    --saveEngine=triton/(?<engineDevice>[a-z0-9-]+)/\k<onnx>/1/model\.plan")]
    private static partial Regex CommentAndCommand();

    /// <summary>A device without TensorRT gets the command that serves its part in ONNX Runtime, not a bare echo.</summary>
    [Fact]
    public void ADeviceWithoutTensorRtGetsTheCommandThatServesItsPart()
    {
        if (OperatingSystem.IsWindows()) return;
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "detector", "-o", output, "--devices", "raspberry-pi-5,rtx-4090", "--link", "10Mbps");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("raspberry-pi-5", Parts(output)[0].GetProperty("device").GetString());
        Assert.NotEqual(JsonValueKind.Null, Parts(output)[0].GetProperty("file").ValueKind);
        var script = File.ReadAllText(Path.Combine(output, "build-engines.sh"));
        Assert.Contains("#   tritonserver --model-repository=triton/raspberry-pi-5\n", script);
        Assert.Empty(RunScript(output, "raspberry-pi-5"));
    }

    [Fact]
    public void AShapeRangeGivesTheProfileFlagsAndTheFirstPartStaysDynamic()
    {
        if (OperatingSystem.IsWindows()) return;
        var model = Model(ConvChain.Build(4, new SampleOptions(BatchSymbol: "N")));
        var output = _dir.File("out");

        var run = CliRun.Of("compile", model, "-o", output, "--devices", "jetson-nano,jetson-xavier-nx",
            "--shape-range", "input=1x8x8x8:4x8x8x8:16x8x8x8", "--verify", "--inputs", "1");

        Assert.True(run.ExitCode == 0, run.Error);
        var first = Parts(output).First(p => p.GetProperty("file").ValueKind != JsonValueKind.Null);
        // The plan is costed at OPT.
        var input = first.GetProperty("inputs")[0];
        Assert.Equal("input", input.GetProperty("name").GetString());
        Assert.Equal([4L, 8, 8, 8], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        // The part that reads the input declares its batch as the model does, so TensorRT builds the profile.
        var file = first.GetProperty("file").GetString()!;
        var part = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(output, file)));
        Assert.Equal("N", part.Graph.Input.Single(i => i.Name == "input").Type.TensorType.Shape.Dim[0].DimParam);
        var call = RunScript(output, "all").First(c => c[0] == "--onnx=" + file);
        Assert.Equal(["--minShapes=input:1x8x8x8", "--optShapes=input:4x8x8x8", "--maxShapes=input:16x8x8x8"], call.Where(a => a.Contains("Shapes=")));
        Assert.DoesNotContain(call, a => a.StartsWith("--shapes="));
    }

    [Theory]
    [InlineData("input=1x8x8x8:4x8x8x8", "OCD1630")]                  // two shapes, not three
    [InlineData("input=1x8x8x8:4x8x0x8:8x8x8x8", "OCD1630")]          // a zero dimension
    [InlineData("image=1x8x8x8:4x8x8x8:8x8x8x8", "OCD1631")]          // no such input
    [InlineData("input=1x8x8:4x8x8:8x8x8", "OCD1633")]                // rank 3 for a rank-4 input
    [InlineData("input=8x8x8x8:4x8x8x8:16x8x8x8", "OCD1634")]         // MIN > OPT
    [InlineData("input=1x8x8x8:4x8x8x8:16x8x16x8", "OCD1635")]        // the model fixes H at 8
    public void ABadShapeRangeIsRefusedWithItsCodeBeforeAnyOutput(string range, string code)
    {
        var model = Model(ConvChain.Build(2, new SampleOptions(BatchSymbol: "N")));
        var output = _dir.File("out");
        var run = CliRun.Of("compile", model, "-o", output, "--shape-range", range);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(code, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(output, "plan.json")));
    }

    [Fact]
    public void AShapeRangeOnAStaticInputOrAgainstShapeIsRefused()
    {
        var fixedModel = Model(ConvChain.Build(2), "fixed.onnx");
        var run = CliRun.Of("compile", fixedModel, "-o", _dir.File("a"), "--shape-range", "input=1x8x8x8:1x8x8x8:2x8x8x8");
        Assert.Contains("OCD1632", run.Error);
        Assert.Contains("fixed.onnx", run.Error);

        var model = Model(ConvChain.Build(2, new SampleOptions(BatchSymbol: "N")));
        var conflict = CliRun.Of("compile", model, "-o", _dir.File("b"), "--shape", "N=2", "--shape-range", "input=1x8x8x8:4x8x8x8:8x8x8x8");
        Assert.Contains("OCD1636", conflict.Error);
        Assert.Contains("OPT 4x8x8x8", conflict.Error);
        var agree = CliRun.Of("compile", model, "-o", _dir.File("c"), "--shape", "N=4", "--shape-range", "input=1x8x8x8:4x8x8x8:8x8x8x8");
        Assert.True(agree.ExitCode == 0, agree.Error);
    }
}
