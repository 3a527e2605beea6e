using OnnxCoDesign.Compiler.Devices.Import;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>trtexec's --exportProfile and --exportTimes files as TensorRT versions write them, and what is refused.</summary>
public sealed class TrtexecFileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TensorRt8_4AndLaterGiveTheMedian()
    {
        var p = TrtexecProfile.Parse("""
            [
              { "count" : 4 }
            , { "name" : "Conv_0 + Relu_1", "timeMs" : 4.4, "averageMs" : 1.1, "medianMs" : 1.0, "percentage" : 80 }
            , { "name" : "Reformatting CopyNode for Input Tensor 0 to Gemm_2", "timeMs" : 1.1, "averageMs" : 0.275, "medianMs" : 0.25, "percentage" : 20 }
            ]
            """, "p.json");
        Assert.Equal(4, p.Runs);
        Assert.Equal("medianMs", p.Statistic);
        Assert.Equal(["Conv_0 + Relu_1", "Reformatting CopyNode for Input Tensor 0 to Gemm_2"], p.Layers.Select(l => l.Name));
        Assert.Equal(1.0e-3, p.Layers[0].Seconds, 12);
        Assert.Equal(1.25e-3, p.TotalSeconds, 12);
    }

    [Fact]
    public void OlderTensorRtGivesTheAverageOrTheTotalOverTheRuns()
    {
        var average = TrtexecProfile.Parse("""[ { "count" : 10 }, { "name" : "Conv_0", "timeMs" : 20, "averageMs" : 2, "percentage" : 100 } ]""", null);
        Assert.Equal("averageMs", average.Statistic);
        Assert.Equal(2e-3, average.Layers[0].Seconds, 12);
        var total = TrtexecProfile.Parse("""[ { "count" : 10 }, { "name" : "Conv_0", "timeMs" : 30 } ]""", null);
        Assert.Equal("timeMs", total.Statistic);
        Assert.Equal(3e-3, total.Layers[0].Seconds, 12);
    }

    [Fact]
    public void TimesGiveTheMedianComputeAndLatency()
    {
        var t = TrtexecTimes.Parse(TrtexecFiles.Times([2.0, 9.0, 2.2, 1.9, 2.1]), "t.json");
        Assert.Equal(5, t.Runs);
        Assert.Equal(2.1e-3, t.ComputeSeconds, 9);
        Assert.Equal(2.25e-3, t.LatencySeconds!.Value, 9);
        // TensorRT 7's keys (inMs, outMs, endToEndMs) keep computeMs.
        var old = TrtexecTimes.Parse("""[ { "startInMs" : 1, "inMs" : 0.1, "computeMs" : 3, "outMs" : 0.1, "latencyMs" : 3.2, "endToEndMs" : 3.3 } ]""", null);
        Assert.Equal(3e-3, old.ComputeSeconds, 12);
    }

    [Theory]
    [InlineData("", "OCD1611")]
    [InlineData("[]", "OCD1611")]
    [InlineData("""[ { "count" : 0 } ]""", "OCD1611")]
    [InlineData("""[ { "count" : 5 } ]""", "OCD1611")]
    [InlineData("""[ { "count" : 5 }, { "name" : "Conv_0", "averageMs" : 0 } ]""", "OCD1611")]
    [InlineData("""{ "count" : 5 }""", "OCD1610")]
    [InlineData("""[ { "count" : 5 }, { "name" : "Conv_0", "averageMs" : 1 }""", "OCD1610")]
    [InlineData("""[ { "startEnqMs" : 1, "computeMs" : 2 } ]""", "OCD1610")]
    [InlineData("""[ { "count" : -1 }, { "name" : "Conv_0", "averageMs" : 1 } ]""", "OCD1610")]
    [InlineData("""[ { "count" : 5 }, { "averageMs" : 1 } ]""", "OCD1610")]
    [InlineData("""[ { "count" : 5 }, { "name" : "Conv_0", "percentage" : 100 } ]""", "OCD1610")]
    [InlineData("""[ { "count" : 5 }, { "name" : "Conv_0", "averageMs" : "1" } ]""", "OCD1610")]
    [InlineData("""[ { "count" : 5 }, { "name" : "Conv_0", "averageMs" : -1 } ]""", "OCD1610")]
    public void ABadProfileIsRefusedWithItsCode(string text, string code)
    {
        var e = Assert.Throws<CodesignException>(() => TrtexecProfile.Parse(text, "bad.json"));
        Assert.Equal(code, e.Code);
        Assert.Equal("bad.json", e.File);
        Assert.StartsWith("trtexec profile: ", e.Message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{ "computeMs" : 1 }""")]
    [InlineData("""[ { "count" : 5 }, { "name" : "Conv_0", "averageMs" : 1 } ]""")]
    [InlineData("""[ { "computeMs" : "fast" } ]""")]
    [InlineData("""[ { "computeMs" : 0 } ]""")]
    [InlineData("not json")]
    public void ABadTimesFileIsRefused(string text)
    {
        var e = Assert.Throws<CodesignException>(() => TrtexecTimes.Parse(text, "t.json"));
        Assert.Equal("OCD1613", e.Code);
    }

    private string Part() => _dir.Write("part.onnx", TrtexecFiles.Bytes(TrtexecFiles.Named(SampleModels.RepVggA0Deploy(), ExportNaming.Trt8)));

    private string GoodProfile() => _dir.WriteText("profile.json", TrtexecFiles.Profile([("Conv_0 + Relu_1", 1e-3), ("Conv_2 + Relu_3", 2e-3)]));

    public static TheoryData<string, string, int> BadCommands => new()
    {
        { "unknown device", "OCD1601", 1 },
        { "missing profile", "OCD1001", 1 },
        { "malformed profile", "OCD1610", 1 },
        { "empty profile", "OCD1611", 1 },
        { "no layer matched", "OCD1612", 1 },
        { "bad times", "OCD1613", 1 },
        { "missing times", "OCD1001", 1 },
        { "no --model", "OCD1401", 2 },
        { "missing model", "OCD1001", 1 },
        { "output is the profile", "OCD1401", 2 },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public void TheCommandRefusesBadInputAndWritesNothing(string what, string code, int exit)
    {
        var part = Part();
        var profile = what switch
        {
            "missing profile" => _dir.File("absent.json"),
            "malformed profile" => _dir.WriteText("profile.json", "[ { \"count\" : 3 }, { \"name\" : \"Conv_0\" "),
            "empty profile" => _dir.WriteText("profile.json", "[ { \"count\" : 3 } ]"),
            "no layer matched" => _dir.WriteText("profile.json", TrtexecFiles.Profile([("/backbone/conv1/Conv + /backbone/relu/Relu", 1e-3), ("(Unnamed Layer* 3) [Shuffle]", 1e-5)])),
            _ => GoodProfile(),
        };
        var args = new List<string> { "devices", "import", what == "unknown device" ? "jetson-nope" : "jetson-nano", profile };
        if (what != "no --model") args.AddRange(["--model", what == "missing model" ? _dir.File("absent.onnx") : part]);
        if (what == "bad times") args.AddRange(["--times", _dir.WriteText("times.json", "[ { \"computeMs\" : null } ]")]);
        if (what == "missing times") args.AddRange(["--times", _dir.File("absent-times.json")]);
        var output = what == "output is the profile" ? profile : _dir.File("out.json");
        args.AddRange(["-o", output]);
        var before = _dir.Listing();
        var profileText = File.Exists(profile) ? File.ReadAllText(profile) : null;

        var run = CliRun.Of([.. args]);

        Assert.Equal(exit, run.ExitCode);
        Assert.Contains($"error {code}: ", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'), l => l.Contains("error"));
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(before, _dir.Listing());
        if (output == profile) Assert.Equal(profileText, File.ReadAllText(profile));
        else Assert.False(File.Exists(output));
        if (what == "no layer matched") Assert.Contains("/backbone/conv1/Conv", run.Error);
    }

    [Fact]
    public void TheGoodCommandOfTheBadOnesSucceeds()
    {
        var output = _dir.File("out.json");
        var run = CliRun.Of("devices", "import", "jetson-nano", GoodProfile(), "--model", Part(), "-o", output);
        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(output));
        Assert.Contains("2 layers: 2 matched to 2 of", run.Out);
    }
}
