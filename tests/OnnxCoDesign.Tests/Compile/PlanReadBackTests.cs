using System.Text.Json.Nodes;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>A plan compile wrote, once for the class: each test reads back an altered copy of its plan.json.</summary>
public sealed class CompiledPlanFixture : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public CompiledPlanFixture()
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--devices", "jetson-nano,jetson-xavier-nx,rtx-4090");
        if (run.ExitCode != 0) throw new InvalidOperationException($"compile failed: {run.Error}");
        PlanText = File.ReadAllText(Path.Combine(output, "plan.json"));
    }

    public string PlanText { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// plan.json read back by verify --plan, measure and simulate is checked before any part is loaded or
/// queued: a part count out of bounds (OCD1702), parts or links out of order or a file listed twice
/// (OCD1703), a file that is not a plain name beside plan.json or a time that is negative (OCD1704), a
/// field missing or of the wrong kind (OCD1701). Each is a coded error, exit 1, no stack trace, nothing written.
/// </summary>
public sealed class PlanReadBackTests(CompiledPlanFixture compiled) : IClassFixture<CompiledPlanFixture>, IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly Dictionary<string, Action<JsonObject>> Alterations = new()
    {
        ["no parts"] = plan => plan["parts"] = new JsonArray(),
        ["2000 copies of a part"] = plan => plan["parts"] = new JsonArray(Enumerable.Range(0, 2000).Select(_ => plan["parts"]![0]!.DeepClone()).ToArray()),
        ["17 parts numbered in order"] = plan => plan["parts"] = new JsonArray(Enumerable.Range(0, 17).Select(i => Part(plan, 0, i, $"part{i}.onnx")).ToArray()),
        ["parts in reverse order"] = plan => plan["parts"] = new JsonArray(Parts(plan).AsEnumerable().Reverse().Select(p => p!.DeepClone()).ToArray()),
        ["an index repeated"] = plan => Parts(plan)[1]!["index"] = 0,
        ["an index that is not whole"] = plan => Parts(plan)[0]!["index"] = 0.5,
        ["one file for two parts"] = plan => { Parts(plan)[0]!["file"] = "part0.onnx"; Parts(plan)[1]!["file"] = "part0.onnx"; },
        ["a file in the parent folder"] = plan => Parts(plan)[0]!["file"] = "../part0.onnx",
        ["an absolute file"] = plan => Parts(plan)[0]!["file"] = "/etc/hostname",
        ["a file in a subfolder"] = plan => Parts(plan)[0]!["file"] = "sub/part0.onnx",
        ["a file named .."] = plan => Parts(plan)[0]!["file"] = "..",
        ["an empty file name"] = plan => Parts(plan)[0]!["file"] = "",
        ["a negative time"] = plan => Parts(plan)[0]!["predictedMs"] = -1.0,
        ["a time too large for a double"] = plan => Parts(plan)[0]!["predictedMs"] = JsonNode.Parse("1e400"),
        ["a time that is a string"] = plan => Parts(plan)[0]!["predictedMs"] = "1",
        ["a part without a device"] = plan => Parts(plan)[0]!.AsObject().Remove("device"),
        ["a part that is a number"] = plan => Parts(plan)[0] = 7,
        ["parts that are an object"] = plan => plan["parts"] = new JsonObject(),
    };

    public static TheoryData<string, string> Cases() => new()
    {
        { "no parts", "OCD1702" },
        { "2000 copies of a part", "OCD1702" },
        { "17 parts numbered in order", "OCD1702" },
        { "parts in reverse order", "OCD1703" },
        { "an index repeated", "OCD1703" },
        { "an index that is not whole", "OCD1703" },
        { "one file for two parts", "OCD1703" },
        { "a file in the parent folder", "OCD1704" },
        { "an absolute file", "OCD1704" },
        { "a file in a subfolder", "OCD1704" },
        { "a file named ..", "OCD1704" },
        { "an empty file name", "OCD1704" },
        { "a negative time", "OCD1704" },
        { "a time too large for a double", "OCD1704" },
        { "a time that is a string", "OCD1701" },
        { "a part without a device", "OCD1701" },
        { "a part that is a number", "OCD1701" },
        { "parts that are an object", "OCD1701" },
    };

    private static JsonArray Parts(JsonObject plan) => plan["parts"]!.AsArray();

    private static JsonNode Part(JsonObject plan, int from, int index, string file)
    {
        var part = Parts(plan)[from]!.DeepClone();
        part["index"] = index;
        part["file"] = file;
        return part;
    }

    private string Write(Action<JsonObject> alter)
    {
        var plan = JsonNode.Parse(compiled.PlanText)!.AsObject();
        alter(plan);
        return _dir.WriteText("plan/plan.json", plan.ToJsonString());
    }

    private void AssertRefused(CliRun run, string code)
    {
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error {code}", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.DoesNotContain("OCD9999", run.Error);
        Assert.Equal(["plan", Path.Combine("plan", "plan.json")], _dir.Listing());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerifyRefuses(string alteration, string code) =>
        AssertRefused(CliRun.Of("verify", "--sample", "repvgg-grouped", "--plan", Write(Alterations[alteration]), "--inputs", "1"), code);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MeasureRefuses(string alteration, string code) =>
        AssertRefused(CliRun.Of("measure", Write(Alterations[alteration]), "--host", "jetson-nano"), code);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimulateRefuses(string alteration, string code) =>
        AssertRefused(CliRun.Of("simulate", Write(Alterations[alteration]), "--rates", "10", "--requests", "10"), code);

    [Fact]
    public void TheUnalteredPlanIsSimulated()
    {
        var run = CliRun.Of("simulate", Write(_ => { }), "--rates", "10", "--requests", "10");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("co-designed", run.Out);
    }

    [Fact]
    public void APlanOfRelayPartsOnlyHasNothingToVerifyOrMeasure()
    {
        var plan = Write(p => { foreach (var part in Parts(p)) part!["file"] = null; });
        AssertRefused(CliRun.Of("verify", "--sample", "repvgg-grouped", "--plan", plan, "--inputs", "1"), "OCD1702");
        AssertRefused(CliRun.Of("measure", plan, "--host", "jetson-nano"), "OCD1702");
    }

    [Theory]
    [InlineData("no transfers", "OCD1702")]
    [InlineData("links in reverse order", "OCD1703")]
    [InlineData("a negative transfer time", "OCD1704")]
    [InlineData("a transfer without its target", "OCD1701")]
    [InlineData("one device fewer than parts", "OCD1702")]
    public void SimulateRefusesTransfersAndDevicesThatDoNotMatchTheParts(string alteration, string code)
    {
        var plan = Write(p =>
        {
            var transfers = p["transfers"]!.AsArray();
            switch (alteration)
            {
                case "no transfers": p["transfers"] = new JsonArray(); break;
                case "links in reverse order": p["transfers"] = new JsonArray(transfers.AsEnumerable().Reverse().Select(t => t!.DeepClone()).ToArray()); break;
                case "a negative transfer time": transfers[0]!["ms"] = -0.5; break;
                case "a transfer without its target": transfers[0]!.AsObject().Remove("to"); break;
                default: p["devices"]!.AsArray().RemoveAt(0); break;
            }
        });
        AssertRefused(CliRun.Of("simulate", plan, "--rates", "10", "--requests", "10"), code);
    }
}
