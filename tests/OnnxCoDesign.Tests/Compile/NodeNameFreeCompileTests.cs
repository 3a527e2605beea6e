using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Onnx;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Compile;

/// <summary>
/// ONNX makes node names optional and does not require them unique: a model without them (all cleared,
/// the classifier's alone, or every node named by its op type) analyzes and compiles to the plan of the
/// named model, refers to nodes by generated identities, and its parts keep the empty names.
/// </summary>
public sealed partial class NodeNameFreeCompileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public enum Naming { AllCleared, ClassifierCleared, OpTypeForEveryNode }

    private static ModelProto Renamed(ModelProto model, Naming naming)
    {
        var copy = model.Clone();
        var nodes = copy.Graph.Node;
        foreach (var n in naming == Naming.ClassifierCleared ? nodes.Where(n => n.OpType == "Gemm") : nodes)
        {
            n.Name = naming == Naming.OpTypeForEveryNode ? n.OpType : "";
        }
        return copy;
    }

    private string Save(string folder, ModelProto model)
    {
        Directory.CreateDirectory(_dir.File(folder));
        var path = Path.Combine(_dir.File(folder), "net.onnx");
        ModelSaver.Save(model, path);
        return path;
    }

    /// <summary>plan.json without the fields that name nodes (the sweep's and the ablations' unit names and the block names).</summary>
    private static string Figures(ModelProto model)
    {
        var settings = new PlannerSettings { Devices = DeviceCatalog.ResolveList("jetson-nano,jetson-xavier-nx,jetson-tx2"), Lambda = 0.001 };
        using var loaded = LoadedModel.InMemory(model);
        var plan = JsonNode.Parse(PlanJson.Write(CompilePipeline.Run(loaded, "net", settings, ShapeBindings.Empty)))!.AsObject();
        foreach (var s in plan["sweep"]!.AsArray()) s!.AsObject().Remove("after");
        foreach (var b in plan["blocks"]!.AsArray()) b!.AsObject().Remove("name");
        foreach (var a in plan["ablations"]!.AsArray()) a!.AsObject().Remove("after");
        return plan.ToJsonString();
    }

    // In process (no loader): a file whose node names repeat is refused at load (OCD1220, as ONNX Runtime refuses it), but the planner's identities keep such names apart in a model built in memory.
    [Theory]
    [InlineData(Naming.AllCleared)]
    [InlineData(Naming.ClassifierCleared)]
    [InlineData(Naming.OpTypeForEveryNode)]
    public void PlansAsTheNamedModel(Naming naming)
    {
        var model = SampleModels.RepVggGrouped();
        Assert.Contains(model.Graph.Node, n => n.OpType == "Gemm" && n.Name.Length > 0);
        Assert.Equal(Figures(model), Figures(Renamed(model, naming)));
    }

    [Fact]
    public void PlanAndPartsOfAnUnnamedModelUseGeneratedIdentitiesAndKeepTheEmptyNames()
    {
        var path = Save("m", Renamed(SampleModels.RepVggGrouped(), Naming.AllCleared));
        var output = _dir.File("out");
        var run = CliRun.Of("compile", path, "-o", output, "--verify");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("PASS", run.Out);
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "plan.json")));
        var units = plan.RootElement.GetProperty("sweep").EnumerateArray().Select(s => s.GetProperty("after").GetString()!).Skip(1).ToList();
        Assert.NotEmpty(units);
        Assert.All(units, u => Assert.Matches(UnitOfGeneratedIdentities(), u));
        Assert.Equal(units.Count, units.Distinct().Count());
        Assert.Contains("Flatten_0", units);

        var files = plan.RootElement.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("file"))
            .Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).ToList();
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            using var part = ModelLoader.Load(Path.Combine(output, f));
            foreach (var n in part.Model.Graph.Node)
            {
                // Only the nodes fusion created are named (after the block's identity), and the wire's conversions
                // (after the tensor they convert); the model's own stay unnamed.
                if (n.Name.Length > 0) Assert.Matches(@"^(Add_\d+\.(rbr_reparam|rbr_1x1|add_\d+)|.+_wire_(encode|decode))$", n.Name);
                else Assert.NotEqual("", n.OpType);
            }
            Assert.Contains(part.Model.Graph.Node, n => n.Name.Length == 0);
        }
    }

    [Fact]
    public void FuseOfAnUnnamedModelVerifiesAndKeepsItsNodesUnnamed()
    {
        var path = Save("f", Renamed(SampleModels.RepVggGrouped(), Naming.AllCleared));
        var output = _dir.File("fused.onnx");
        var run = CliRun.Of("fuse", path, "-o", output, "--strategy", "S4", "--verify", "--json", "-");
        Assert.True(run.ExitCode == 0, run.Error);
        using var report = JsonDocument.Parse(run.Out);
        var blocks = report.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("name").GetString()!).ToList();
        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => Assert.Matches(@"^Add_\d+$", b));
        using var fused = ModelLoader.Load(output);
        Assert.All(fused.Model.Graph.Node.Where(n => n.OpType is not ("Conv" or "Add")), n => Assert.Equal("", n.Name));
        Assert.All(fused.Model.Graph.Node.Where(n => n.Name.Length > 0), n => Assert.Matches(@"^Add_\d+\.(rbr_reparam|rbr_1x1|add_\d+)$", n.Name));
    }

    [Theory]
    [InlineData(Naming.AllCleared, @"^(Conv|BatchNormalization|Add|Relu|GlobalAveragePool|Flatten|Gemm)_\d+$")]
    public void AnalyzeReportsEveryNodeByAUniqueIdentityWithTheNamedModelsFigures(Naming naming, string pattern)
    {
        var model = SampleModels.RepVggGrouped();
        var named = CliRun.Of("analyze", Save("named", model), "--json", "-");
        var renamed = CliRun.Of("analyze", Save("renamed", Renamed(model, naming)), "--json", "-");
        Assert.Equal(0, renamed.ExitCode);
        using var a = JsonDocument.Parse(named.Out);
        using var b = JsonDocument.Parse(renamed.Out);
        var names = b.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()!).ToList();
        Assert.All(names, n => Assert.Matches(pattern, n));
        Assert.Equal(names.Count, names.Distinct().Count());
        static string WithoutNames(JsonElement root)
        {
            var o = JsonNode.Parse(root.GetRawText())!.AsObject();
            foreach (var n in o["nodes"]!.AsArray()) { n!.AsObject().Remove("name"); n.AsObject().Remove("kernel"); }
            foreach (var k in o["kernels"]!.AsArray()) { k!.AsObject().Remove("name"); k.AsObject().Remove("nodes"); }
            return o.ToJsonString();
        }
        Assert.Equal(WithoutNames(a.RootElement), WithoutNames(b.RootElement));
    }

    [GeneratedRegex(@"^[A-Za-z]+_\d+( … [A-Za-z]+_\d+)?$")]
    private static partial Regex UnitOfGeneratedIdentities();
}
