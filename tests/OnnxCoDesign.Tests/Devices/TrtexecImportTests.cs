using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Devices.Import;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>
/// `devices import`: a part's trtexec profile, written here in trtexec's format with layer times made by a known
/// profile, gives back that profile's figures; the imported profile plans like any profile file.
/// </summary>
public sealed class TrtexecImportTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The Jetson Nano as it really is in this test: slower convolutions, a slower bus, a costlier launch.</summary>
    private static readonly DeviceProfile Truth = DeviceCatalog.Find("jetson-nano")! with
    {
        KernelOverhead = 35e-6,
        MemoryEfficiency = 0.55,
        OperatorEfficiency = new Dictionary<string, double> { ["Conv"] = 0.45 },
    };

    private string Part(ExportNaming naming)
    {
        var model = TrtexecFiles.Named(SampleModels.ResNet50(), naming);
        return _dir.Write($"part-{naming}.onnx", TrtexecFiles.Bytes(model));
    }

    private static OnnxCoDesign.Compiler.Pipeline.ModelAnalysis Analyse(string path)
    {
        using var loaded = OnnxCoDesign.Passes.Loading.ModelLoader.Load(path);
        return OnnxCoDesign.Compiler.Pipeline.ModelAnalysis.Run(loaded, Path.GetFileName(path), OnnxCoDesign.Passes.Shapes.ShapeBindings.Empty);
    }

    private static DeviceProfile Read(string path) => DeviceProfileJson.ParseText(File.ReadAllText(path), path);

    [Theory]
    [InlineData(ExportNaming.Trt8, true)]
    [InlineData(ExportNaming.Trt10, false)]
    public void TheFitRecoversTheProfileTheLayerTimesCameFrom(ExportNaming naming, bool median)
    {
        var part = Part(naming);
        var layers = TrtexecFiles.Layers(Analyse(part), Truth, Precision.Fp16);
        // TensorRT's own layers: two format changes and an unnamed shuffle, 20 µs in all, overhead.
        var extra = new List<(string, double)>
        {
            ("Reformatting CopyNode for Input Tensor 0 to " + layers[0].Name, 8e-6),
            ("(Unnamed Layer* 999) [Shuffle]", 4e-6),
            ("Reformatting CopyNode for Output Tensor 0 to " + layers[^1].Name, 8e-6),
        };
        var profile = _dir.WriteText("profile.json", TrtexecFiles.Profile([extra[0], .. layers[..^1], extra[1], layers[^1], extra[2]], median: median));
        var output = _dir.File("nano-measured.json");

        var run = CliRun.Of("devices", "import", "jetson-nano", profile, "--model", part, "-o", output);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var fitted = Read(output);
        Assert.Equal("jetson-nano-trtexec", fitted.Name);
        Assert.Equal(0.45, fitted.ComputeEfficiencyFor("Conv"), 3);
        Assert.Equal(0.55, fitted.MemoryEfficiency, 3);
        var launched = Analyse(part).Kernels.Launched;
        Assert.Equal(35e-6 + 20e-6 / launched, fitted.KernelOverhead, 1e-7);
        // What the measurement cannot say stays the starting device's.
        var nano = DeviceCatalog.Find("jetson-nano")!;
        Assert.Equal(nano.PeakFp16, fitted.PeakFp16);
        Assert.Equal(nano.MemoryBandwidth, fitted.MemoryBandwidth);
        Assert.Equal(nano.ComputeEfficiency, fitted.ComputeEfficiency);
        Assert.Contains(fitted.Sources, s => s.Contains("trtexec profile profile.json") && s.Contains($"{layers.Count + 3} layers, {layers.Count} matched"));
        Assert.Contains(fitted.Sources, s => s.StartsWith("operatorEfficiency.Conv 0.45: fitted over"));
        Assert.Contains("(Unnamed Layer* 999) [Shuffle]", run.Out);
        Assert.Contains("3 as overhead (0.02 ms)", run.Out);
    }

    [Fact]
    public void ALayerTensorRtSplitsAndOneItFusesFurtherAreFittedAsGroups()
    {
        var part = Part(ExportNaming.Trt10);
        var analysis = Analyse(part);
        var kernels = analysis.Kernels.Kernels.Where(k => !k.IsFree).ToList();
        var layers = new List<(string Name, double Seconds)>();
        for (var i = 0; i < kernels.Count; i++)
        {
            var k = kernels[i];
            var t = OnnxCoDesign.Compiler.Planning.KernelTime.Seconds(k, Truth, Precision.Fp16);
            if (i == 1 && kernels[2] is var next)
            {
                // A Myelin region over two of our kernels, from the first node to the last.
                layers.Add(($"{{ForeignNode[{k.Nodes[0]}...{next.Nodes[^1]}]}}", t + OnnxCoDesign.Compiler.Planning.KernelTime.Seconds(next, Truth, Precision.Fp16)));
                i++;
            }
            else if (k.Nodes.Count > 1)
            {
                // The conv alone, then its epilogue as a pointwise layer.
                layers.Add((k.Nodes[0], 0.8 * t));
                layers.Add(($"PWN({string.Join(", ", k.Nodes.Skip(1))})", 0.2 * t));
            }
            else layers.Add((k.Nodes[0], t));
        }
        var profile = _dir.WriteText("profile.json", TrtexecFiles.Profile(layers));
        var output = _dir.File("fitted.json");

        var run = CliRun.Of("devices", "import", "jetson-nano", profile, "--model", part, "-o", output);

        Assert.Equal(0, run.ExitCode);
        var fitted = Read(output);
        Assert.Equal(0.45, fitted.ComputeEfficiencyFor("Conv"), 3);
        Assert.Equal(0.55, fitted.MemoryEfficiency, 3);
        Assert.Equal(35e-6, fitted.KernelOverhead, 1e-7);
        Assert.Contains($"matched to {kernels.Count} of {kernels.Count} kernels in {kernels.Count - 1} groups", run.Out);
    }

    [Fact]
    public void TimesScaleTheLayersToTheUnprofiledComputeTime()
    {
        var part = Part(ExportNaming.Trt8);
        var layers = TrtexecFiles.Layers(Analyse(part), Truth, Precision.Fp16);
        var profile = _dir.WriteText("profile.json", TrtexecFiles.Profile(layers));
        // Per-layer timing slowed the engine: unprofiled, it ran in half the time.
        var half = layers.Sum(l => l.Seconds) * 1e3 / 2;
        var times = _dir.WriteText("times.json", TrtexecFiles.Times([half * 1.01, half, half * 0.99, half * 1.3, half]));
        var output = _dir.File("fitted.json");

        var run = CliRun.Of("devices", "import", "jetson-nano", profile, "--model", part, "--times", times, "-o", output);

        Assert.Equal(0, run.ExitCode);
        var fitted = Read(output);
        Assert.Equal(0.9, fitted.ComputeEfficiencyFor("Conv"), 2);
        Assert.Equal(17.5e-6, fitted.KernelOverhead, 1e-7);
        Assert.Contains(fitted.Sources, s => s.StartsWith("times times.json: median computeMs") && s.Contains("over 5 runs"));
    }

    [Fact]
    public void WithoutOutputTheProfileIsPrintedAndReadsBack()
    {
        var part = Part(ExportNaming.Trt8);
        var profile = _dir.WriteText("profile.json", TrtexecFiles.Profile(TrtexecFiles.Layers(Analyse(part), Truth, Precision.Fp16)));

        var run = CliRun.Of("devices", "import", "jetson-nano", profile, "--model", part, "--name", "my-nano");

        Assert.Equal(0, run.ExitCode);
        var back = DeviceProfileJson.ParseText(run.Out, null);
        Assert.Equal("my-nano", back.Name);
        Assert.Equal(0.45, back.ComputeEfficiencyFor("Conv"), 3);
    }

    /// <summary>
    /// The workflow: compile, profile part 0 on the device (here: its layers timed by a Nano whose convolutions run
    /// at a tenth of the catalog's efficiency), import, compile again with the imported profile: the planner
    /// moves work off the now slower Nano.
    /// </summary>
    [Fact]
    public void ThePlanReactsToTheImportedProfile()
    {
        var before = _dir.File("before");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "resnet50", "-o", before, "--devices", "jetson-nano,jetson-xavier-nx").ExitCode);
        var part0 = Path.Combine(before, "part0.onnx");
        var slow = DeviceCatalog.Find("jetson-nano")! with { OperatorEfficiency = new Dictionary<string, double> { ["Conv"] = 0.06 } };
        var profile = _dir.WriteText("profile.json", TrtexecFiles.Profile(TrtexecFiles.Layers(Analyse(part0), slow, Precision.Fp16)));
        var imported = _dir.File("nano-measured.json");
        Assert.Equal(0, CliRun.Of("devices", "import", "jetson-nano", profile, "--model", part0, "-o", imported).ExitCode);
        Assert.Equal(0.06, Read(imported).ComputeEfficiencyFor("Conv"), 3);

        var after = _dir.File("after");
        var run = CliRun.Of("compile", "--sample", "resnet50", "-o", after, "--devices", $"{imported},jetson-xavier-nx");

        Assert.Equal(0, run.ExitCode);
        using var a = JsonDocument.Parse(File.ReadAllText(Path.Combine(before, "plan.json")));
        using var b = JsonDocument.Parse(File.ReadAllText(Path.Combine(after, "plan.json")));
        Assert.Equal("jetson-nano-trtexec", b.RootElement.GetProperty("devices")[0].GetProperty("name").GetString());
        var cutBefore = a.RootElement.GetProperty("totals").GetProperty("cuts")[0].GetInt32();
        var cutAfter = b.RootElement.GetProperty("totals").GetProperty("cuts")[0].GetInt32();
        Assert.True(cutAfter < cutBefore, $"the cut should move towards the input, off the slow Nano: {cutBefore} -> {cutAfter}");
        var flopsBefore = a.RootElement.GetProperty("parts")[0].GetProperty("flops").GetInt64();
        var flopsAfter = b.RootElement.GetProperty("parts")[0].GetProperty("flops").GetInt64();
        Assert.True(flopsAfter < flopsBefore);
    }
}
