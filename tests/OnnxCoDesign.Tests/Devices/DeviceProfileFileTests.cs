using System.Text.Json;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Tests.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>User device profiles: the catalog entry schema in a file, every field checked.</summary>
public sealed class DeviceProfileFileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Json(DeviceProfile d)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true })) DeviceProfileJson.Write(w, d);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }


    [Fact]
    public void EveryBuiltinRoundTripsThroughAProfileFile()
    {
        foreach (var d in DeviceCatalog.Builtin)
        {
            var path = _dir.WriteText(d.Name + ".json", Json(d));
            var back = DeviceCatalog.Resolve(path);
            Assert.Equal(Json(d), Json(back));
            Assert.Equal(d with { Sources = back.Sources }, back); // every number exactly, not just its text
            Assert.Equal(d.Sources, back.Sources);
        }
    }

    [Fact]
    public void MinimalProfileTakesDefaults()
    {
        var path = _dir.WriteText("edge.json", """
            // comments are allowed in hand-written profiles
            { "name": "my-edge-box", "fp32Tflops": 1.5, "fp16Tflops": 3, "int8Tops": 6, "memoryGBps": 34.1 }
            """);
        var d = DeviceCatalog.Resolve(path);
        Assert.Equal("my-edge-box", d.Name);
        Assert.Equal("my-edge-box", d.DisplayName);
        Assert.Equal(1.5e12, d.PeakFp32);
        Assert.Equal(3e12, d.PeakFp16);
        Assert.Equal(6e12, d.PeakInt8);
        Assert.Equal(34.1e9, d.MemoryBandwidth);
        Assert.Equal(1.0, d.ComputeEfficiency);
        Assert.Equal(1.0, d.MemoryEfficiency);
        Assert.Equal(0, d.KernelOverhead);
        Assert.Null(d.TensorRtVersion);
        Assert.Empty(d.Sources);
    }

    [Fact]
    public void FullProfileReadsEveryField()
    {
        var path = _dir.WriteText("full.json", """
            { "name": "lab-gpu", "displayName": "Lab GPU", "fp32Tflops": 10, "fp16Tflops": 20, "int8Tops": 40,
              "memoryGBps": 400, "computeEfficiency": 0.5, "memoryEfficiency": 0.8, "nodeOverheadUs": 7.5,
              "tensorRt": "10.3.0", "sources": ["measured by us"] }
            """);
        var d = DeviceCatalog.Resolve(path);
        Assert.Equal("Lab GPU", d.DisplayName);
        Assert.Equal(0.5, d.ComputeEfficiency);
        Assert.Equal(0.8, d.MemoryEfficiency);
        Assert.Equal(7.5e-6, d.KernelOverhead);
        Assert.Equal("10.3", d.TensorRtVersion);
        Assert.Equal(["measured by us"], d.Sources);
    }

    [Fact]
    public void TheOverheadIsReadUnderItsNameAndItsOlderNameAndWrittenUnderItsName()
    {
        var current = DeviceCatalog.Resolve(_dir.WriteText("kernel.json", "{ " + Base + ", \"kernelOverheadUs\": 7.5 }"));
        var older = DeviceCatalog.Resolve(_dir.WriteText("node.json", "{ " + Base + ", \"nodeOverheadUs\": 7.5 }"));
        Assert.Equal(7.5e-6, current.KernelOverhead);
        Assert.Equal(current, older);
        var written = DeviceProfileJson.WriteText(older);
        Assert.Contains("\"kernelOverheadUs\": 7.5", written);
        Assert.DoesNotContain("nodeOverheadUs", written);
    }

    /// <summary>The required keys of a profile file, for tests that add an optional one (ConvEfficiencyProfileTests, NchwcBlockProfileTests).</summary>
    internal const string Base = "\"name\": \"x\", \"fp32Tflops\": 1, \"fp16Tflops\": 2, \"int8Tops\": 4, \"memoryGBps\": 10";

    public static TheoryData<string> Malformed => new()
    {
        "not json at all",
        "[1, 2]",
        "{ " + Base + ", \"fp64Tflops\": 1 }",
        "{ " + Base + ", \"name\": \"y\" }",
        "{ \"name\": \"x\", \"fp32Tflops\": 1, \"fp16Tflops\": 2, \"int8Tops\": 4 }",
        "{ \"name\": \"x\", \"fp32Tflops\": -1, \"fp16Tflops\": 2, \"int8Tops\": 4, \"memoryGBps\": 10 }",
        "{ \"name\": \"x\", \"fp32Tflops\": 0, \"fp16Tflops\": 2, \"int8Tops\": 4, \"memoryGBps\": 10 }",
        "{ \"name\": \"x\", \"fp32Tflops\": \"1\", \"fp16Tflops\": 2, \"int8Tops\": 4, \"memoryGBps\": 10 }",
        "{ \"name\": \"x\", \"fp32Tflops\": 1e40, \"fp16Tflops\": 2, \"int8Tops\": 4, \"memoryGBps\": 10 }",
        "{ " + Base + ", \"computeEfficiency\": 0 }",
        "{ " + Base + ", \"memoryEfficiency\": 1.5 }",
        "{ " + Base + ", \"nodeOverheadUs\": -1 }",
        "{ " + Base + ", \"kernelOverheadUs\": -1 }",
        "{ " + Base + ", \"kernelOverheadUs\": 5, \"nodeOverheadUs\": 5 }",       // the overhead under both its names
        "{ " + Base + ", \"tensorRt\": \"eight\" }",
        "{ " + Base + ", \"tensorRt\": 8.2 }",
        "{ " + Base + ", \"sources\": \"datasheet\" }",
        "{ " + Base + ", \"sources\": [\"\"] }",
        "{ " + Base + ", \"displayName\": \" \" }",
        "{ \"name\": \"Jetson Nano\", \"fp32Tflops\": 1, \"fp16Tflops\": 2, \"int8Tops\": 4, \"memoryGBps\": 10 }",
        "{ \"name\": 5, \"fp32Tflops\": 1, \"fp16Tflops\": 2, \"int8Tops\": 4, \"memoryGBps\": 10 }",
        "{ " + Base + ", \"precisions\": [\"fp32\", \"bf16\"] }",                  // an unknown precision
        "{ " + Base + ", \"precisions\": [\"fp32\", \"FP16\"] }",                  // names are lower case, as everywhere
        "{ " + Base + ", \"precisions\": [\"fp16\", \"int8\"] }",                  // no fp32 to fall back to
        "{ " + Base + ", \"precisions\": [\"fp32\", \"fp32\"] }",
        "{ " + Base + ", \"precisions\": \"fp32\" }",
        "{ " + Base + ", \"precisions\": [] }",
        "{ " + Base + ", \"precisions\": [\"fp16\", \"fp32\"] }",                  // an int8 rate for a device without int8
        "{ \"name\": \"x\", \"fp32Tflops\": 1, \"fp16Tflops\": 2, \"memoryGBps\": 10 }", // int8 (by default) without its rate
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void RefusesMalformedProfileNamingTheFile(string text)
    {
        var path = _dir.WriteText("bad.json", text);
        var e = Refusal.Expect("OCD1602", () => DeviceCatalog.Resolve(path));
        Assert.Equal(path, e.File);
        Assert.StartsWith($"{path}: error OCD1602: device profile: ", e.Canonical);
    }

    [Fact]
    public void ProfileWithoutPrecisionsRunsAllThree()
    {
        // Profiles from before the list keep their meaning: every precision, int8 at its stated rate.
        var d = DeviceCatalog.Resolve(_dir.WriteText("old.json", "{ " + Base + " }"));
        Assert.Equal([Precision.Int8, Precision.Fp16, Precision.Fp32], d.Precisions);
        Assert.Equal(4e12, d.Peak(Precision.Int8));
        Assert.Equal(Precision.Int8, d.EffectivePrecision(Precision.Int8));
    }

    [Fact]
    public void Fp32OnlyProfileRunsAnFp16RequestAtFp32()
    {
        var path = _dir.WriteText("fp32.json", """{ "name": "fp32-box", "fp32Tflops": 1, "fp16Tflops": 2, "memoryGBps": 10, "precisions": ["fp32"] }""");
        var d = DeviceCatalog.Resolve(path);
        Assert.Equal([Precision.Fp32], d.Precisions);
        Assert.Null(d.PeakInt8);
        Assert.Equal(Precision.Fp32, d.EffectivePrecision(Precision.Fp16));
        Assert.Equal(Precision.Fp32, d.EffectivePrecision(Precision.Int8));
        Assert.Throws<InvalidOperationException>(() => d.Peak(Precision.Int8));
        // Written back without an int8 rate, with its list, and read back equal.
        var text = Json(d);
        Assert.DoesNotContain("int8Tops", text);
        Assert.Contains("\"precisions\": [\n    \"fp32\"\n  ]", text);
        var back = DeviceCatalog.Resolve(_dir.WriteText("back.json", text));
        Assert.Equal(d with { Sources = back.Sources }, back);
    }

    [Fact]
    public void PrecisionsInAnyOrderCompareEqual()
    {
        var a = DeviceCatalog.Resolve(_dir.WriteText("a.json", "{ " + Base + ", \"precisions\": [\"fp32\", \"int8\"] }"));
        var b = DeviceCatalog.Resolve(_dir.WriteText("b.json", "{ " + Base + ", \"precisions\": [\"int8\", \"fp32\"] }"));
        Assert.Equal(a, b);
        Assert.Equal([Precision.Int8, Precision.Fp32], a.Precisions); // lowest first
        Assert.Equal(Precision.Fp32, a.EffectivePrecision(Precision.Fp16)); // no fp16: the next one up
    }

    [Fact]
    public void MissingProfileFileIsFileNotFound()
    {
        var path = _dir.File("absent.json");
        var e = Refusal.Expect("OCD1001", () => DeviceCatalog.Resolve(path));
        Assert.Equal(path, e.File);
    }

    [Fact]
    public void ListMixesNamesAndFiles()
    {
        var path = _dir.WriteText("box.json", "{ " + Base + " }");
        var list = DeviceCatalog.ResolveList($"jetson-nano,{path}");
        Assert.Equal(["jetson-nano", "x"], list.Select(d => d.Name));
    }
}
