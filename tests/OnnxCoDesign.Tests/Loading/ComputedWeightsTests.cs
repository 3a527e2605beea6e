using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Rewrite;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>
/// Weights a rewrite computes (folded, fused) left to the store as recipes (<see cref="PassContext.DeferWeights"/>):
/// read and saved as the same bytes as when computed at once, held by nobody in between; the shared in-memory
/// store takes none.
/// </summary>
public sealed class ComputedWeightsTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AComputedTensorIsComputedAtEachReadAndSavedInline()
    {
        using var store = new ExternalDataStore(null);
        var runs = 0;
        var tensor = new TensorProto { Name = "w", DataType = ElementType.Float };
        tensor.Dims.AddRange([2, 2]);
        store.Compute(tensor, 16, bytes =>
        {
            runs++;
            float[] values = [1, -2, 3.5f, 0];
            values.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes));
        });

        Assert.True(tensor.RawData.IsEmpty);
        Assert.True(store.IsDeferred(tensor));
        Assert.True(store.IsDeferred(tensor.Clone()));
        Assert.Equal([1, -2, 3.5f, 0], TensorValues.AsFloat(tensor, store));
        Assert.Equal([1, -2, 3.5f, 0], TensorValues.AsFloat(tensor.Clone(), store));
        Assert.Equal(2, runs);

        var graph = new GraphProto { Name = "g" };
        graph.Initializer.Add(tensor);
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        var path = _dir.File("computed.onnx");
        ModelSaver.Save(new ModelProto { IrVersion = 7, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 13 } } }, path, store);
        var saved = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Initializer.Single();
        Assert.False(ExternalDataReference.IsExternal(saved));
        Assert.Empty(saved.ExternalData);
        Assert.Equal([1, -2, 3.5f, 0], TensorValues.AsFloat(saved));
        Assert.Equal(["computed.onnx"], _dir.Files());
    }

    [Fact]
    public void AnotherStoreDoesNotKnowTheRecipe()
    {
        using var store = new ExternalDataStore(null);
        var tensor = new TensorProto { Name = "w", DataType = ElementType.Float, Dims = { 1 } };
        store.Compute(tensor, 4, bytes => bytes.Clear());
        using var other = new ExternalDataStore(null);
        Assert.False(other.IsDeferred(tensor));
        Assert.False(ExternalDataStore.None.IsDeferred(tensor));
    }

    [Fact]
    public void FoldedAndFusedWeightsLeftAsRecipesSaveTheSameBytesAsComputedOnes()
    {
        var path = _dir.File("tiny.onnx");
        File.WriteAllBytes(path, RewriteRun.Tiny().ToByteArray());
        using var loaded = ModelLoader.Load(path);

        var (eager, eagerGraph) = Reparameterize(loaded, defer: false);
        var (deferred, deferredGraph) = Reparameterize(loaded, defer: true);

        // Every conv weight the passes made is a recipe (biases, a few floats each, are computed at once):
        // no raw bytes in the deferred graph, bytes in the eager one.
        var made = deferredGraph.Proto.Initializer.Where(t => t.Name.EndsWith(".weight_bnfolded", StringComparison.Ordinal) || t.Name.EndsWith(".rbr_reparam.weight", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(made);
        Assert.All(made, t => Assert.True(t.RawData.IsEmpty && loaded.ExternalData.IsDeferred(t), t.Name));
        Assert.All(eagerGraph.Proto.Initializer.Where(t => made.Any(m => m.Name == t.Name)), t => Assert.False(t.RawData.IsEmpty, t.Name));

        ModelSaver.Save(eager, _dir.File("eager.onnx"), loaded.ExternalData);
        ModelSaver.Save(deferred, _dir.File("deferred.onnx"), loaded.ExternalData);
        Assert.Equal(File.ReadAllBytes(_dir.File("eager.onnx")), File.ReadAllBytes(_dir.File("deferred.onnx")));
        Assert.Equal(ModelBytes.ToArray(eager, loaded.ExternalData), ModelBytes.ToArray(deferred, loaded.ExternalData));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Fused_weights_read_from_the_file_a_channel_at_a_time_are_those_fused_in_memory(int groups)
    {
        var original = RewriteRun.Tiny(groups: groups);
        var path = _dir.File("tiny.onnx");
        File.WriteAllBytes(path, original.ToByteArray());
        using var loaded = ModelLoader.Load(path);
        // The widest convs' weights stay in the file (read a channel at a time), the narrow ones are parsed.
        var convWeights = loaded.Model.Graph.Node.Where(n => n.OpType == "Conv").Select(n => loaded.Model.Graph.Initializer.Single(t => t.Name == n.Input[1])).ToList();
        Assert.Contains(convWeights, loaded.ExternalData.IsDeferred);
        Assert.Contains(convWeights, t => !loaded.ExternalData.IsDeferred(t));

        var (fromFile, _) = Reparameterize(loaded, defer: false);
        var inMemory = original.Clone();
        Pipelines.Reparameterize(new StrategyPlan(FusionStrategy.S1)).Run(new ModelGraph(inMemory), new PassContext(ExternalDataStore.None));

        var fused = inMemory.Graph.Initializer.Where(t => t.Name.Contains(".rbr_reparam.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(fused);
        Assert.All(fused, t => Assert.Equal(t.RawData.ToByteArray(), TensorValues.Bytes(fromFile.Graph.Initializer.Single(f => f.Name == t.Name), loaded.ExternalData).ToArray()));
    }

    [Fact]
    public void A_folded_weight_whose_original_is_in_the_file_is_read_a_channel_at_a_time_as_computed_whole()
    {
        var path = _dir.File("tiny.onnx");
        File.WriteAllBytes(path, RewriteRun.Tiny().ToByteArray());
        using var loaded = ModelLoader.Load(path);
        var model = loaded.Model.Clone();
        Pipelines.Prepare().Run(new ModelGraph(model, loaded.Path), new PassContext(loaded.ExternalData) { DeferWeights = true });
        var folded = model.Graph.Initializer.Where(t => t.Name.EndsWith(".weight_bnfolded", StringComparison.Ordinal)).ToList();
        var wide = folded.Where(t => t.Dims[0] * t.Dims[1] * t.Dims[2] * t.Dims[3] * 4 >= ModelLoader.DeferredWeightThreshold).ToList();
        Assert.NotEmpty(wide);

        foreach (var t in folded)
        {
            var whole = loaded.ExternalData.Read(t);
            var channel = new byte[whole.Length / t.Dims[0]];
            var last = (int)t.Dims[0] - 1;
            var read = loaded.ExternalData.TryReadRange(t, last * (long)channel.Length, channel);
            // Only a fold of a weight still in the file is computed in part; a parsed (small) one is computed whole.
            Assert.Equal(wide.Contains(t), read);
            if (read) Assert.Equal(whole.AsSpan(last * channel.Length).ToArray(), channel);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_computed_tensor_whose_recipe_computes_runs_is_written_a_run_at_a_time_as_computed_whole(bool lastRunFails)
    {
        using var store = new ExternalDataStore(null);
        var length = 3L * ExternalDataStore.WriteRun + 36; // a short last run
        var expected = new byte[length];
        for (var i = 0; i < length; i++) expected[i] = (byte)(i * 31 + i / 977);
        var wholeRuns = 0;
        var asked = new List<(long Offset, int Length)>();
        var tensor = new TensorProto { Name = "w", DataType = ElementType.Float, Dims = { length / 4 } };
        store.Compute(tensor, length, bytes => { wholeRuns++; expected.CopyTo(bytes); }, (offset, bytes) =>
        {
            asked.Add((offset, bytes.Length));
            if (lastRunFails && offset + bytes.Length == length) return false;
            expected.AsSpan((int)offset, bytes.Length).CopyTo(bytes);
            return true;
        });

        using var written = new MemoryStream();
        store.CopyTo(tensor, written);

        Assert.Equal(expected, written.ToArray());
        // Runs of WriteRun bytes from the start; the whole recipe runs only for the rest after a run it cannot compute.
        Assert.Equal([(0L, ExternalDataStore.WriteRun), (ExternalDataStore.WriteRun, ExternalDataStore.WriteRun), (2L * ExternalDataStore.WriteRun, ExternalDataStore.WriteRun), (3L * ExternalDataStore.WriteRun, 36)], asked);
        Assert.Equal(lastRunFails ? 1 : 0, wholeRuns);
    }

    [Fact]
    public void A_computed_tensor_whose_recipe_cannot_compute_its_first_run_is_written_whole()
    {
        using var store = new ExternalDataStore(null);
        var length = 2L * ExternalDataStore.WriteRun;
        var tensor = new TensorProto { Name = "w", DataType = ElementType.Float, Dims = { length / 4 } };
        var wholeRuns = 0;
        store.Compute(tensor, length, bytes => { wholeRuns++; bytes.Fill(7); }, (_, _) => false);

        using var written = new MemoryStream();
        store.CopyTo(tensor, written);

        Assert.Equal(Enumerable.Repeat((byte)7, (int)length), written.ToArray());
        Assert.Equal(1, wholeRuns);
    }

    [Fact]
    public void A_fused_kernel_larger_than_a_run_computes_any_run_as_computed_whole_and_saves_the_same_bytes()
    {
        // 128→128 3×3 fused kernels: 590 KB each, more than two write runs.
        var original = RepVggNet.Train(new RepVggLayout([8, 64, 128], [1, 1, 2], 1, InputSize: 16, Classes: 10), RepVggExportForm.BnSeparate, new SampleOptions());
        var path = _dir.File("wide.onnx");
        File.WriteAllBytes(path, original.ToByteArray());
        using var loaded = ModelLoader.Load(path);

        var (eager, _) = Reparameterize(loaded, defer: false);
        var (deferred, deferredGraph) = Reparameterize(loaded, defer: true);
        var large = deferredGraph.Proto.Initializer
            .Where(t => t.Name.EndsWith(".rbr_reparam.weight", StringComparison.Ordinal) && loaded.ExternalData.StoredLength(t) > 2 * ExternalDataStore.WriteRun).ToList();
        Assert.NotEmpty(large);
        foreach (var t in large)
        {
            var whole = loaded.ExternalData.Read(t);
            // A run that starts and ends inside output channels.
            var run = new byte[ExternalDataStore.WriteRun + 12];
            Assert.True(loaded.ExternalData.TryReadRange(t, 1000, run), t.Name);
            Assert.Equal(whole.AsSpan(1000, run.Length).ToArray(), run);
        }

        ModelSaver.Save(eager, _dir.File("eager.onnx"), loaded.ExternalData);
        ModelSaver.Save(deferred, _dir.File("deferred.onnx"), loaded.ExternalData);
        Assert.Equal(File.ReadAllBytes(_dir.File("eager.onnx")), File.ReadAllBytes(_dir.File("deferred.onnx")));
    }

    [Fact]
    public void TheSharedInMemoryStoreTakesNoRecipes()
    {
        var model = RewriteRun.Tiny().Clone();
        var graph = new ModelGraph(model);
        var context = new PassContext(ExternalDataStore.None) { DeferWeights = true };
        Assert.Null(context.DeferredWeights);
        Pipelines.Reparameterize(new StrategyPlan(FusionStrategy.S1)).Run(graph, context);
        var made = model.Graph.Initializer.Where(t => t.Name.Contains(".rbr_reparam.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(made);
        Assert.All(made, t => Assert.False(t.RawData.IsEmpty || ExternalDataReference.IsExternal(t), t.Name));
    }

    [Fact]
    public void CompileHoldsNoWeightOfItsPartsUntilTheyAreWritten()
    {
        var path = _dir.File("tiny.onnx");
        File.WriteAllBytes(path, RewriteRun.Tiny().ToByteArray());
        using var loaded = ModelLoader.Load(path);
        var settings = new PlannerSettings { Devices = Compiler.Devices.DeviceCatalog.ResolveList("jetson-nano,jetson-xavier-nx") };
        var outcome = CompilePipeline.Run(loaded, "tiny.onnx", settings, ShapeBindings.Empty);

        var large = outcome.Plan.Parts.Where(p => p.Model is not null)
            .SelectMany(p => p.Model!.Graph.Initializer)
            .Where(t => (TensorValues.ByteCount(t) ?? 0) >= ModelLoader.DeferredWeightThreshold).ToList();
        Assert.NotEmpty(large);
        Assert.All(large, t => Assert.True(t.RawData.IsEmpty && loaded.ExternalData.IsDeferred(t), t.Name));
    }

    private static (ModelProto Model, ModelGraph Graph) Reparameterize(LoadedModel loaded, bool defer)
    {
        var model = loaded.Model.Clone();
        var graph = new ModelGraph(model, loaded.Path);
        Pipelines.Reparameterize(new StrategyPlan(FusionStrategy.S1)).Run(graph, new PassContext(loaded.ExternalData) { DeferWeights = defer });
        return (model, graph);
    }
}
