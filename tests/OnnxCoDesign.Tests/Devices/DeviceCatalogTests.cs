using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Precision;
using OnnxCoDesign.Tests.Loading;

namespace OnnxCoDesign.Tests.Devices;

public sealed class DeviceCatalogTests
{
    private static DeviceProfile Get(string name) => DeviceCatalog.Find(name) ?? throw new InvalidOperationException(name);

    [Fact]
    public void CatalogLoadsEveryDeviceInOrder()
    {
        Assert.Equal(
            ["jetson-nano", "jetson-tx1", "jetson-tx2", "jetson-xavier-nx", "jetson-agx-xavier", "rtx-4090", "jetson-orin-nano", "jetson-orin-nx", "jetson-agx-orin", "raspberry-pi-5"],
            DeviceCatalog.Builtin.Select(d => d.Name));
    }

    [Fact]
    public void EveryBuiltinHasPositiveFiguresAndOrderedPrecisions()
    {
        foreach (var d in DeviceCatalog.Builtin)
        {
            Assert.True(d.PeakFp32 > 0 && d.PeakFp16 > 0 && d.MemoryBandwidth > 0, d.Name);
            Assert.True(d.PeakFp16 >= d.PeakFp32, $"{d.Name}: fp16 below fp32");
            // An int8 rate exactly where there is an int8 path, and then at least the fp16 one.
            Assert.Equal(d.Supports(Precision.Int8), d.PeakInt8.HasValue);
            if (d.PeakInt8 is { } int8) Assert.True(int8 >= d.PeakFp16, $"{d.Name}: int8 below fp16");
            Assert.InRange(d.ComputeEfficiency, 0.01, 1.0);
            Assert.InRange(d.MemoryEfficiency, 0.01, 1.0);
            Assert.InRange(d.KernelOverhead, 1e-6, 1e-3);
            Assert.False(string.IsNullOrWhiteSpace(d.DisplayName));
        }
    }

    /// <summary>Every figure names where it comes from: one source line per figure, at least.</summary>
    [Fact]
    public void EveryFigureHasASource()
    {
        foreach (var d in DeviceCatalog.Builtin)
        {
            Assert.NotEmpty(d.Sources);
            Assert.All(d.Sources, s => Assert.False(string.IsNullOrWhiteSpace(s)));
            foreach (var figure in new[] { "fp32", "fp16", "int8", "memory", "TensorRT", "computeEfficiency", "memoryEfficiency", "kernelOverhead" })
            {
                Assert.True(d.Sources.Any(s => s.Contains(figure, StringComparison.Ordinal)), $"{d.Name}: no source for {figure}");
            }
        }
    }

    /// <summary>The seed paper's figures, as DESIGN.md states them, with the precision each one is.</summary>
    [Fact]
    public void PaperFiguresAreDesignMdFigures()
    {
        var nano = Get("jetson-nano");
        Assert.Equal(472e9, nano.PeakFp16);          // the paper's 472 GFLOPS is the FP16 rate
        Assert.Equal(nano.PeakFp16 / 2, nano.PeakFp32);
        Assert.Equal(25.6e9, nano.MemoryBandwidth);

        var tx1 = Get("jetson-tx1");
        Assert.Equal(1e12, tx1.PeakFp16);
        Assert.Equal(25.6e9, tx1.MemoryBandwidth);

        var tx2 = Get("jetson-tx2");
        Assert.Equal(1.33e12, tx2.PeakFp16);
        Assert.Equal(59.7e9, tx2.MemoryBandwidth);

        var nx = Get("jetson-xavier-nx");
        Assert.Equal(21e12, nx.PeakInt8);            // 21 TOPS is an int8 figure
        Assert.Equal(51.2e9, nx.MemoryBandwidth);

        var rtx = Get("rtx-4090");
        Assert.Equal(82.6e12, rtx.PeakFp32);         // 82.6 TFLOPS is the non-tensor FP32 rate
        Assert.Equal(1018e9, rtx.MemoryBandwidth);
    }

    [Theory]
    [InlineData("jetson-nano", "8.2")]
    [InlineData("jetson-tx1", "8.2")]
    [InlineData("jetson-tx2", "8.2")]
    [InlineData("jetson-xavier-nx", "8.5")]
    [InlineData("jetson-orin-nano", "10.3")]
    [InlineData("jetson-orin-nx", "10.3")]
    [InlineData("jetson-agx-orin", "10.3")]
    [InlineData("raspberry-pi-5", null)]
    public void TensorRtVersionIsTheUsualJetPacks(string name, string? version) => Assert.Equal(version, Get(name).TensorRtVersion);

    [Fact]
    public void Rtx4090UsesTensorRt10()
    {
        var v = TensorRtVersion.Parse(Get("rtx-4090").TensorRtVersion!);
        Assert.Equal(10, v.Major);
    }

    [Fact]
    public void FindIsCaseInsensitiveAndNullForUnknown()
    {
        Assert.Same(Get("jetson-nano"), DeviceCatalog.Find("Jetson-Nano"));
        Assert.Null(DeviceCatalog.Find("jetson-nope"));
    }

    [Fact]
    public void ResolveUnknownNameListsKnownNames()
    {
        var e = Refusal.Expect("OCD1601", () => DeviceCatalog.Resolve("jetson-nanoo"));
        Assert.Contains("jetson-nanoo", e.Message);
        foreach (var name in DeviceCatalog.Names) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void ResolveListTakesTwoOrMoreInOrder()
    {
        Assert.Equal(["jetson-nano", "jetson-xavier-nx"], DeviceCatalog.ResolveList("jetson-nano,jetson-xavier-nx").Select(d => d.Name));
        Assert.Equal(["rtx-4090", "jetson-nano", "jetson-tx2"], DeviceCatalog.ResolveList(" rtx-4090 , jetson-nano,jetson-tx2").Select(d => d.Name));
        Assert.Equal(DeviceCatalog.Names, DeviceCatalog.ResolveList(string.Join(",", DeviceCatalog.Names)).Select(d => d.Name));
    }

    [Theory]
    [InlineData("jetson-nano", "OCD1604")]
    [InlineData("jetson-nano,", "OCD1604")]
    [InlineData(",jetson-nano", "OCD1604")]
    [InlineData("jetson-nano,,rtx-4090", "OCD1604")]
    [InlineData("", "OCD1604")]
    [InlineData("jetson-nano,tpu", "OCD1601")]
    [InlineData("jetson-nano,jetson-nano", "OCD1607")]
    [InlineData("jetson-nano,rtx-4090,JETSON-NANO", "OCD1607")]
    public void ResolveListRefuses(string list, string code) => Refusal.Expect(code, () => DeviceCatalog.ResolveList(list));

    [Fact]
    public void RidgeIsPeakOverBandwidth() => Assert.Equal(472e9 / 25.6e9, Get("jetson-nano").Ridge(Precision.Fp16), 12);

    /// <summary>Every device states the precisions it runs natively, fp32 among them, with a source line that says why.</summary>
    [Fact]
    public void EveryDeviceStatesItsPrecisionsWithASource()
    {
        foreach (var d in DeviceCatalog.Builtin)
        {
            Assert.Contains(Precision.Fp32, d.Precisions);
            Assert.Contains(d.Sources, s => s.StartsWith("precisions ", StringComparison.Ordinal) && s.Contains("precision", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("jetson-nano", "fp16,fp32")]      // Maxwell sm_53: no int8 path
    [InlineData("jetson-tx1", "fp16,fp32")]       // Maxwell sm_53
    [InlineData("jetson-tx2", "fp16,fp32")]       // Pascal sm_62: the support matrix has int8 for 6.1, not 6.2
    [InlineData("jetson-xavier-nx", "int8,fp16,fp32")]
    [InlineData("jetson-orin-nano", "int8,fp16,fp32")]
    [InlineData("jetson-orin-nx", "int8,fp16,fp32")]
    [InlineData("jetson-agx-orin", "int8,fp16,fp32")]
    [InlineData("rtx-4090", "int8,fp16,fp32")]
    [InlineData("raspberry-pi-5", "int8,fp32")]   // ONNX Runtime's CPU kernels: fp32 and QDQ int8, fp16 through fp32
    public void CatalogPrecisions(string name, string precisions)
    {
        var d = DeviceCatalog.Find(name)!;
        Assert.Equal(precisions, string.Join(',', d.Precisions.Select(p => p.Name())));
    }

    [Theory]
    [InlineData("jetson-nano", "int8", "fp16")]
    [InlineData("jetson-tx2", "int8", "fp16")]
    [InlineData("jetson-nano", "fp16", "fp16")]
    [InlineData("jetson-nano", "fp32", "fp32")]
    [InlineData("jetson-xavier-nx", "int8", "int8")]
    [InlineData("jetson-xavier-nx", "fp16", "fp16")]
    [InlineData("raspberry-pi-5", "fp16", "fp32")]
    [InlineData("raspberry-pi-5", "int8", "int8")]
    public void EffectivePrecisionIsTheLowestSupportedAtOrAboveTheRequest(string name, string requested, string runs)
    {
        var d = DeviceCatalog.Find(name)!;
        Assert.Equal(runs, d.EffectivePrecision(TargetPrecisionNames.Parse(requested)!.Value).Name());
    }
}
