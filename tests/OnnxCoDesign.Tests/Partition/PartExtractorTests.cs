using Onnx;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Partition;

/// <summary>What an extracted part holds: typed boundaries, its own initializers, constants, functions, header and metadata.</summary>
public sealed class PartExtractorTests
{
    private static (ModelGraph Graph, ShapeInferenceResult Shapes) Typed(ModelProto model)
    {
        var graph = new ModelGraph(model);
        return (graph, ShapeInference.Run(graph));
    }

    private static void AssertFullyTyped(ValueInfoProto v)
    {
        var t = v.Type?.TensorType;
        Assert.NotNull(t);
        Assert.NotEqual(0, t!.ElemType);
        Assert.NotNull(t.Shape);
        Assert.All(t.Shape.Dim, d => Assert.True(d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.None, $"'{v.Name}' has a dimension with neither value nor name"));
    }

    [Fact]
    public void Parts_verify_infer_and_declare_typed_boundaries()
    {
        var (graph, shapes) = Typed(SampleModels.Detector());
        foreach (var cut in new[] { 3, graph.Nodes.Count / 2, graph.Nodes.Count - 2 })
        {
            var parts = PartExtractor.Split(graph, shapes, [cut]);
            foreach (var part in parts)
            {
                var partGraph = GraphChecks.WellFormed(part.Model);
                foreach (var v in part.Model.Graph.Input.Concat(part.Model.Graph.Output)) AssertFullyTyped(v);
                // Declared types are the inferred ones of the original.
                var partShapes = ShapeInference.Run(partGraph);
                foreach (var o in part.OutputNames) Assert.True(partShapes.TypeOf(o)!.SameAs(shapes.TypeOf(o)!), o);
            }
            // What part 1 takes is exactly what part 0 (or the caller) gives.
            Assert.Subset(parts[0].OutputNames.Concat(graph.Inputs.Select(i => i.Name)).ToHashSet(), parts[1].InputNames.ToHashSet());
            Assert.Equal(graph.Nodes.Select(n => n.Name), parts.SelectMany(p => p.NodeNames));
        }
    }

    [Fact]
    public void Boundaries_match_the_crossing_tensors()
    {
        var (graph, shapes) = Typed(SampleModels.Inception());
        var cuts = CutPoints.Of(graph, shapes);
        foreach (var cut in cuts.All())
        {
            var parts = PartExtractor.Split(graph, shapes, [cut.Position]);
            var crossing = cut.Tensors.Select(t => t.Name).ToHashSet();
            // Every crossing tensor the second part reads is its input; every input of it crosses.
            Assert.Equal(crossing.Where(t => !graph.IsGraphOutput(t) || parts[1].InputNames.Contains(t)).Order(), parts[1].InputNames.Order());
            // Every crossing tensor made by the first part is its output, and nothing else is.
            Assert.Equal(crossing.Where(t => !graph.IsRuntimeInput(t)).Order(), parts[0].OutputNames.Order());
        }
    }

    [Fact]
    public void Parts_hold_only_the_initializers_they_read_and_shared_ones_go_to_both()
    {
        var (graph, shapes) = Typed(PartitionModels.Residual());
        // bias is read by conv_a and conv_b, which the cut after relu_a separates.
        var parts = PartExtractor.Split(graph, shapes, [PartitionModels.Position(graph, "relu_a")]);
        Assert.Equal(["wa", "bias"], parts[0].Model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["wb", "bias"], parts[1].Model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["x"], parts[0].InputNames);
        Assert.Equal(["ra"], parts[0].OutputNames);
        Assert.Equal(["x", "ra"], parts[1].InputNames);
        Assert.Equal(["y"], parts[1].OutputNames);

        // Clones: the part's tensors are other objects, but the weight bytes are shared, not copied.
        var original = graph.Proto.Initializer.Single(t => t.Name == "bias");
        var copy = parts[0].Model.Graph.Initializer.Single(t => t.Name == "bias");
        Assert.NotSame(original, copy);
        Assert.Equal(original, copy);
        Assert.NotSame(graph.Proto.Node[0], parts[0].Model.Graph.Node[0]);
    }

    [Fact]
    public void Model_header_opsets_and_metadata_are_kept_and_the_part_is_named()
    {
        var model = PartitionModels.Residual();
        model.IrVersion = 8;
        model.ProducerName = "exporter";
        model.ProducerVersion = "2.1";
        model.Domain = "org.example";
        model.ModelVersion = 42;
        model.DocString = "a residual block";
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "author", Value = "someone" });
        var (graph, shapes) = Typed(model);
        var parts = PartExtractor.Split(graph, shapes, [1, 3]);
        for (var k = 0; k < parts.Count; k++)
        {
            var m = parts[k].Model;
            Assert.Equal($"part{k}", parts[k].Name);
            Assert.Equal(8, m.IrVersion);
            Assert.Equal(("exporter", "2.1", "org.example", 42L, "a residual block"), (m.ProducerName, m.ProducerVersion, m.Domain, m.ModelVersion, m.DocString));
            Assert.Equal(model.OpsetImport, m.OpsetImport);
            var meta = m.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
            Assert.Equal("someone", meta["author"]);
            Assert.Equal($"part{k}", meta[PartExtractor.PartMetadataKey]);
            Assert.Equal("residual", meta[PartExtractor.SourceMetadataKey]);
        }

        // Splitting a part again renames the part but keeps the source.
        var again = PartExtractor.Split(new ModelGraph(parts[1].Model), ShapeInference.Run(new ModelGraph(parts[1].Model)), [0]);
        var meta2 = again[1].Model.MetadataProps.Where(p => p.Key.StartsWith("codesign.")).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("part1", meta2[PartExtractor.PartMetadataKey]);
        Assert.Equal("residual", meta2[PartExtractor.SourceMetadataKey]);
    }

    [Fact]
    public void Symbolic_dimensions_of_graph_inputs_and_outputs_keep_their_names()
    {
        var (graph, shapes) = Typed(PartitionModels.Residual(batch: "N"));
        var parts = PartExtractor.Split(graph, shapes, [PartitionModels.Position(graph, "conv_b")]);
        Assert.Equal("N", parts[0].Model.Graph.Input.Single(i => i.Name == "x").Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("N", parts[1].Model.Graph.Input.Single(i => i.Name == "x").Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("N", parts[1].Model.Graph.Output.Single().Type.TensorType.Shape.Dim[0].DimParam);
        // An intermediate tensor has the shape inference bound: batch 1 by default.
        Assert.Equal(1, parts[1].Model.Graph.Input.Single(i => i.Name == "b").Type.TensorType.Shape.Dim[0].DimValue);
    }

    [Fact]
    public void Value_info_of_internal_tensors_is_kept()
    {
        var model = PartitionModels.Residual();
        model.Graph.ValueInfo.Add(TensorFactory.ValueInfo("a", ElementType.Float, [1L, 8L, 6L, 6L]));
        model.Graph.ValueInfo.Add(TensorFactory.ValueInfo("s", ElementType.Float, [1L, 8L, 6L, 6L]));
        var (graph, shapes) = Typed(model);
        var parts = PartExtractor.Split(graph, shapes, [PartitionModels.Position(graph, "add")]);
        Assert.Equal(["a"], parts[0].Model.Graph.ValueInfo.Select(v => v.Name));
        Assert.Empty(parts[1].Model.Graph.ValueInfo);
        Assert.Contains(parts[0].Model.Graph.Output, o => o.Name == "s");
    }

    [Fact]
    public void Constant_nodes_go_with_their_readers()
    {
        var b = new OnnxModelBuilder("const").Input("x", ElementType.Float, 1, 4);
        b.NamedNode("k", "Constant", [], ["kv"], NodeAttributes.Tensor("value", TensorFactory.Float("kv_value", [1, 2, 3, 4], 1, 4)));
        b.NamedNode("r", "Relu", ["x"], ["rx"]);
        b.NamedNode("add", "Add", ["rx", "kv"], ["y"]);
        b.Output("y", ElementType.Float, 1, 4);
        var model = b.Build();
        var (graph, shapes) = Typed(model);
        var parts = PartExtractor.Split(graph, shapes, [1]);
        Assert.Equal(["r"], parts[0].Model.Graph.Node.Select(n => n.Name));
        Assert.Equal(["k", "add"], parts[1].Model.Graph.Node.Select(n => n.Name));
        Assert.Equal(["rx"], parts[1].InputNames);
        Assert.Equal(["k", "r"], parts[0].NodeNames);
        var report = ChainedVerifier.Compare(LoadedModel.InMemory(model), parts.Select(p => LoadedModel.InMemory(p.Model)).ToList(), new VerifyOptions { Inputs = 1, Tolerance = 0 });
        Assert.True(report.Passed);
    }

    [Fact]
    public void Model_local_functions_go_to_the_parts_that_call_them()
    {
        var b = new OnnxModelBuilder("fn").Input("x", ElementType.Float, 1, 4);
        b.NamedNode("r", "Relu", ["x"], ["rx"]);
        b.NamedNode("twice", "Twice", ["rx"], ["tw"]);
        b.NamedNode("s", "Sigmoid", ["tw"], ["y"]);
        b.Output("y", ElementType.Float, 1, 4);
        var model = b.Build(irVersion: 8);
        model.Graph.Node[1].Domain = "local";
        model.Graph.ValueInfo.Add(TensorFactory.ValueInfo("tw", ElementType.Float, [1L, 4L]));
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "local", Version = 1 });
        var twice = new FunctionProto { Name = "Twice", Domain = "local" };
        twice.Input.Add("a");
        twice.Output.Add("b");
        twice.Node.Add(new NodeProto { OpType = "Add", Input = { "a", "a" }, Output = { "b" } });
        twice.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.Functions.Add(twice);

        var (graph, shapes) = Typed(model);
        var parts = PartExtractor.Split(graph, shapes, [0, 1]);
        Assert.Empty(parts[0].Model.Functions);
        Assert.Equal("Twice", Assert.Single(parts[1].Model.Functions).Name);
        Assert.Empty(parts[2].Model.Functions);
        // The function's output crosses with the type value_info gave it.
        Assert.Equal(["tw"], parts[1].OutputNames);
        AssertFullyTyped(parts[1].Model.Graph.Output[0]);
        var report = ChainedVerifier.Compare(LoadedModel.InMemory(model), parts.Select(p => LoadedModel.InMemory(p.Model)).ToList(), new VerifyOptions { Inputs = 1, Tolerance = 0 });
        Assert.True(report.Passed);
    }

    [Fact]
    public void Initializers_listed_as_inputs_stay_listed_in_ir3_parts()
    {
        var model = SampleModels.Inception(opset: 8);
        Assert.Equal(3, model.IrVersion);
        var check = ChainCheck.For(model);
        var parts = PartExtractor.Split(check.Graph, check.Shapes, [10]);
        foreach (var part in parts)
        {
            var inputs = part.Model.Graph.Input.Select(i => i.Name).ToHashSet();
            Assert.All(part.Model.Graph.Initializer, t => Assert.Contains(t.Name, inputs));
            Assert.DoesNotContain(part.InputNames, n => part.Model.Graph.Initializer.Any(t => t.Name == n));
        }
        Assert.InRange(check.Check(10), 0, 1e-5);
    }

    [Fact]
    public void Extract_takes_any_node_set_in_topological_order()
    {
        var (graph, shapes) = Typed(PartitionModels.Residual());
        var nodes = new[] { graph.Nodes[3], graph.Nodes[1] };
        var model = PartExtractor.Extract(graph, shapes, nodes, "odd");
        Assert.Equal(["relu_a", "add"], model.Graph.Node.Select(n => n.Name));
        Assert.Equal(["x", "a", "b"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["ra", "s"], model.Graph.Output.Select(o => o.Name));
        GraphChecks.WellFormed(model);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var (graph, shapes) = Typed(PartitionModels.Residual());
        Assert.Throws<ArgumentException>(() => PartExtractor.Extract(graph, shapes, [], "empty"));
        var other = new ModelGraph(PartitionModels.Residual());
        Assert.Throws<ArgumentException>(() => PartExtractor.Extract(graph, shapes, [other.Nodes[0]], "foreign"));
        Assert.Throws<ArgumentOutOfRangeException>(() => PartExtractor.Split(graph, shapes, [4]));
        Assert.Throws<ArgumentException>(() => PartExtractor.Split(graph, shapes, [2, 1]));
    }

    [Fact]
    public void A_saved_part_reloads_and_runs()
    {
        var model = PartitionModels.Residual();
        var (graph, shapes) = Typed(model);
        var parts = PartExtractor.Split(graph, shapes, [2]);
        using var dir = new ScratchDirectory();
        var loaded = new List<LoadedModel>();
        try
        {
            foreach (var part in parts)
            {
                var path = dir.File(part.Name + ".onnx");
                ModelSaver.Save(part.Model, path);
                loaded.Add(ModelLoader.Load(path));
            }
            var report = ChainedVerifier.Compare(LoadedModel.InMemory(model), loaded, new VerifyOptions { Inputs = 2, Tolerance = 1e-6 });
            Assert.True(report.Passed, string.Join("; ", report.Outputs.Select(o => $"{o.Name} {o.MaxRelativeError} {o.Problem}")));
            Assert.Empty(report.ExtraOutputs);
        }
        finally
        {
            foreach (var l in loaded) l.Dispose();
        }
    }
}
