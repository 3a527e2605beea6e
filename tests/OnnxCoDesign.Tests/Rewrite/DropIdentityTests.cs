using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Rewrite.RewriteChecks;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>
/// drop-identity: Identity nodes between layers go and their readers read the input; the model computes
/// exactly what it did. Identities at the model's interface or read by a subgraph stay, with the reason.
/// </summary>
public sealed class DropIdentityTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (ModelProto Model, PassResult Result) Run(ModelProto original)
    {
        var model = original.Clone();
        return (model, DropIdentity.Run(new ModelGraph(model)));
    }

    [Fact]
    public void DropsIdentitiesBetweenLayersInChainsAndOnTheInputAndComputesExactlyTheSame()
    {
        var g = new HandGraph();
        var onInput = g.Op("Identity", "id_in", HandGraph.X);
        var conv = g.Conv("conv", onInput, 3);
        var first = g.Op("Identity", "id_a", conv);
        var second = g.Op("Identity", "id_b", first);
        var relu = g.Op("Relu", "relu", second);
        var add = g.Op("Add", "add", relu, first);
        var original = g.Build(add);

        var (model, result) = Run(original);

        Assert.Equal(["id_in", "id_a", "id_b"], result.Rewrites.Select(r => r.Anchor));
        Assert.Empty(result.LeftAlone);
        Assert.Equal(0, Count(model, "Identity"));
        var nodes = model.Graph.Node.ToDictionary(n => n.Name);
        Assert.Equal(HandGraph.X, nodes["conv"].Input[0]);
        Assert.Equal(conv, nodes["relu"].Input[0]);
        Assert.Equal([relu, conv], nodes["add"].Input);
        Assert.DoesNotContain(model.Graph.ValueInfo, v => v.Name == first || v.Name == second || v.Name == onInput);
        WellFormed(model);
        Assert.Equal(0, OrtCompare.RelativeError(original, model));
    }

    [Fact]
    public void LeavesAnIdentityThatGivesAGraphOutput()
    {
        var g = new HandGraph();
        var relu = g.Op("Relu", "relu", g.Conv("conv", HandGraph.X, 3));
        var original = g.Build(g.Op("Identity", "id_out", relu));

        var (model, result) = Run(original);

        LeftAloneBecause(original, model, result, "id_out", "graph output");
    }

    [Fact]
    public void LeavesAnIdentityWhoseOutputASubgraphReads()
    {
        var g = new HandGraph();
        var id = g.Op("Identity", "id_outer", g.Conv("conv", HandGraph.X, 3));
        g.Builder.Initializer(TensorFactory.Raw("cond", ElementType.Bool, [1]));
        var original = g.Build(g.Op("Relu", "relu", id));
        var ifNode = new NodeProto { OpType = "If", Name = "if" };
        ifNode.Input.Add("cond");
        ifNode.Output.Add("if_out");
        ifNode.Attribute.Add(Branch("then_branch", id));
        ifNode.Attribute.Add(Branch("else_branch", id));
        original.Graph.Node.Add(ifNode);
        original.Graph.Output.Add(new ValueInfoProto { Name = "if_out" });

        var (model, result) = Run(original);

        LeftAloneBecause(original, model, result, "id_outer", "subgraph");
    }

    [Fact]
    public void LeavesAModelWithoutIdentityAsItWas()
    {
        var original = SampleModels.RepVggGrouped();
        var (model, result) = Run(original);
        NothingToDo(original, model, result);
    }

    [Fact]
    public void CompileOfAModelWithIdentitiesWritesPartsWithoutThemThatVerify()
    {
        var original = RewriteRun.Tiny();
        var graph = original.Graph;
        // An Identity behind every Relu, as a converter might leave them.
        foreach (var relu in graph.Node.Where(n => n.OpType == "Relu" && !graph.Output.Any(o => o.Name == n.Output[0])).ToList())
        {
            var output = relu.Output[0];
            var copy = output + "_identity";
            foreach (var reader in graph.Node) for (var i = 0; i < reader.Input.Count; i++) if (reader.Input[i] == output) reader.Input[i] = copy;
            var identity = new NodeProto { OpType = "Identity", Name = relu.Name + "_identity" };
            identity.Input.Add(output);
            identity.Output.Add(copy);
            graph.Node.Insert(graph.Node.IndexOf(relu) + 1, identity);
        }
        var identities = Count(original, "Identity");
        Assert.True(identities >= 3);
        var file = _dir.File("tiny-identity.onnx");
        BadModels.Write(original, file);
        var outDir = _dir.File("out");

        var run = CliRun.Of("compile", file, "-o", outDir, "--devices", "jetson-nano,jetson-xavier-nx,jetson-agx-orin", "--objective", "throughput", "--verify");

        Assert.Equal(0, run.ExitCode);
        var parts = Directory.GetFiles(outDir, "part*.onnx");
        Assert.NotEmpty(parts);
        Assert.All(parts, p =>
        {
            using var part = ModelLoader.Load(p);
            Assert.DoesNotContain(part.Model.Graph.Node, n => n.OpType == "Identity");
        });
    }

    private static AttributeProto Branch(string name, string outer)
    {
        var body = new GraphProto { Name = name };
        var node = new NodeProto { OpType = "Identity", Name = name + "_pass" };
        node.Input.Add(outer);
        node.Output.Add(name + "_out");
        body.Node.Add(node);
        body.Output.Add(new ValueInfoProto { Name = name + "_out" });
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = body };
    }
}
