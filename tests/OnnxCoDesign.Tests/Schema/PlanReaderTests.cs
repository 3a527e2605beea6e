using System.Text.Json.Nodes;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Schema;

/// <summary>
/// <see cref="PlanReader"/> on a golden plan.json altered one field at a time: anything of the wrong kind or
/// missing, anywhere in the document, is OCD1701 (the part, transfer and time checks with codes of their own
/// are in Compile/PlanReadBackTests); plans from before schemaVersion and fields added later are read.
/// </summary>
public sealed class PlanReaderTests
{
    private static readonly string Golden = File.ReadAllText(Path.Combine(RepoPaths.Golden, "compile-repvgg-a0", "plan.json"));

    private static string Altered(Action<JsonObject> alter)
    {
        var plan = JsonNode.Parse(Golden)!.AsObject();
        alter(plan);
        return plan.ToJsonString();
    }

    private static readonly Dictionary<string, Action<JsonObject>> Alterations = new()
    {
        ["a newer schemaVersion"] = p => p["schemaVersion"] = 3,
        ["a schemaVersion that is a string"] = p => p["schemaVersion"] = "1",
        ["a model that is a number"] = p => p["model"] = 1,
        ["no tool"] = p => p.Remove("tool"),
        ["a device without a name"] = p => p["devices"]![0]!.AsObject().Remove("name"),
        ["a device peak that is a string"] = p => p["devices"]![1]!["fp16Tflops"] = "21",
        ["a link that is a string"] = p => p["link"] = "100Mbps",
        ["units that are not whole"] = p => p["units"] = 1.5,
        ["a tensor shape of strings"] = p => p["parts"]![0]!["inputs"]![0]!["shape"] = new JsonArray("N", 3),
        ["totals without cuts"] = p => p["totals"]!.AsObject().Remove("cuts"),
        ["a baseline latency that is a string"] = p => p["baselines"]![0]!["plan"]!["latencyMs"] = "fast",
        ["a baseline with a stage fewer"] = p => p["baselines"]![0]!["plan"]!["stagesMs"]!.AsArray().RemoveAt(0),
        ["a baseline with a negative stage"] = p => p["baselines"]![0]!["plan"]!["stagesMs"]![0] = -1.0,
        ["a sweep point that is null"] = p => p["sweep"]![0] = null,
        ["no blocks"] = p => p.Remove("blocks"),
        ["a block strategy that is null"] = p => p["blocks"]![0]!["strategy"] = null,
        ["unknown ops that are objects"] = p => p["unknownOps"] = new JsonArray(new JsonObject()),
        ["warnings that are a string"] = p => p["warnings"] = "none",
        ["a warning without a code"] = p => p["warnings"] = new JsonArray(new JsonObject { ["message"] = "m" }),
        ["a plan that is an array"] = p => p.Clear(),
    };

    public static TheoryData<string> Cases() => new(Alterations.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void WrongKindsAndMissingFieldsAreOcd1701(string alteration)
    {
        var text = alteration == "a plan that is an array" ? "[]" : Altered(Alterations[alteration]);
        var e = Assert.Throws<CodesignException>(() => PlanReader.Parse(text, "plan.json"));
        Assert.Equal(ErrorCodes.PlanMalformed, e.Code);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void APlanFromBeforeSchemaVersionIsRead()
    {
        var plan = PlanReader.Parse(Altered(p => { p.Remove("schemaVersion"); p.Remove("warnings"); p["accuracy"] = "prior"; }), "plan.json");
        Assert.Equal(CodesignJson.SchemaVersion, plan.SchemaVersion);
        Assert.Null(plan.Warnings);
        Assert.Equal(new PlanAccuracy { Model = "prior" }, plan.Accuracy);
    }

    [Fact]
    public void AVersion1PlanHasItsAccuracyModelNameReadAsTheAccuracyObjectsModel()
    {
        var plan = PlanReader.Parse(Altered(p => { p["schemaVersion"] = 1; p["accuracy"] = "measured"; }), "plan.json");
        Assert.Equal("measured", plan.Accuracy.Model);
        Assert.Null(plan.Accuracy.Predicted);
    }

    [Fact]
    public void AVersion2PlanWithTheVersion1AccuracyStringIsRefused()
    {
        var e = Assert.Throws<CodesignException>(() => PlanReader.Parse(Altered(p => p["accuracy"] = "prior"), "plan.json"));
        Assert.Equal(ErrorCodes.PlanMalformed, e.Code);
    }

    [Fact]
    public void FieldsAddedWithinAVersionAreIgnored()
    {
        var plan = PlanReader.Parse(Altered(p => { p["addedLater"] = new JsonObject { ["x"] = 1 }; p["parts"]![0]!["note"] = "n"; }), "plan.json");
        Assert.Equal(Golden, CodesignJson.Write(plan, CodesignJson.Default.PlanDocument));
    }

    [Fact]
    public void WarningsAreReadWithTheirCodes()
    {
        var plan = PlanReader.Parse(Altered(p => p["warnings"] = new JsonArray(new JsonObject { ["code"] = "OCW2001", ["message"] = "m", ["where"] = "input" })), "plan.json");
        var warning = Assert.Single(plan.Warnings!);
        Assert.Equal(new Warning { Code = "OCW2001", Message = "m", Where = "input" }, warning);
    }
}
