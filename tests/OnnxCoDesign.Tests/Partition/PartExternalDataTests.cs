using Google.Protobuf;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Partition;

/// <summary>Parts of a model whose weights live in files: external data stays external, deferred weights go inline.</summary>
public sealed class PartExternalDataTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IReadOnlyList<PartModel> SplitLoaded(LoadedModel original, params int[] cuts)
    {
        var graph = new ModelGraph(original.Model, original.Path);
        return PartExtractor.Split(graph, ShapeInference.Run(graph, store: original.ExternalData), cuts);
    }

    private List<LoadedModel> SaveAndLoad(LoadedModel original, IReadOnlyList<PartModel> parts)
    {
        Directory.CreateDirectory(_dir.File("parts"));
        var loaded = new List<LoadedModel>();
        foreach (var part in parts)
        {
            var path = _dir.File(Path.Combine("parts", part.Name + ".onnx"));
            ModelSaver.Save(part.Model, path, original.ExternalData);
            loaded.Add(ModelLoader.Load(path));
        }
        return loaded;
    }

    [Fact]
    public void External_weights_stay_external_in_a_data_file_beside_each_part()
    {
        var modelPath = _dir.File("detector.onnx");
        ModelSaver.Save(SampleModels.Detector(), modelPath, forceExternal: true);
        Assert.True(File.Exists(modelPath + ".data"));
        using var original = ModelLoader.Load(modelPath);
        Assert.Contains(original.Model.Graph.Initializer, ExternalDataReference.IsExternal);

        var n = original.Model.Graph.Node.Count;
        var parts = SplitLoaded(original, n / 3, 2 * n / 3);
        // Extraction itself keeps the references: no weight is read to build a part.
        Assert.All(parts, p => Assert.Contains(p.Model.Graph.Initializer, ExternalDataReference.IsExternal));

        var loaded = SaveAndLoad(original, parts);
        try
        {
            long total = 0;
            foreach (var (part, reloaded) in parts.Zip(loaded))
            {
                var dataFile = reloaded.Path + ".data";
                Assert.True(File.Exists(dataFile), $"{part.Name} has no data file");
                var external = reloaded.Model.Graph.Initializer.Where(ExternalDataReference.IsExternal).ToList();
                Assert.NotEmpty(external);
                Assert.All(external, t => Assert.Equal(Path.GetFileName(dataFile), t.ExternalData.Single(e => e.Key == "location").Value));
                // Only the part's own weights are in its file.
                Assert.Equal(part.Model.Graph.Initializer.Select(t => t.Name), reloaded.Model.Graph.Initializer.Select(t => t.Name));
                total += new FileInfo(dataFile).Length;
            }
            Assert.InRange(total, 1, new FileInfo(modelPath + ".data").Length + 3 * 4096L * parts.Sum(p => p.Model.Graph.Initializer.Count));

            var report = ChainedVerifier.Compare(original, loaded, new VerifyOptions { Inputs = 1, Tolerance = 1e-6 });
            Assert.True(report.Passed, string.Join("; ", report.Outputs.Select(o => $"{o.Name} {o.MaxRelativeError} {o.Problem}")));
            // In memory too, reading the weights from the original's store.
            var derived = ChainedVerifier.Compare(original, parts.Select(p => original.Derived(p.Model)).ToList(), new VerifyOptions { Inputs = 1, Tolerance = 1e-6 });
            Assert.True(derived.Passed);
        }
        finally
        {
            foreach (var l in loaded) l.Dispose();
        }
    }

    [Fact]
    public void Deferred_inline_weights_are_written_inline_in_each_part()
    {
        var modelPath = _dir.File("inception.onnx");
        File.WriteAllBytes(modelPath, SampleModels.Inception().ToByteArray());
        using var original = ModelLoader.Load(modelPath);
        Assert.Contains(original.Model.Graph.Initializer, original.ExternalData.IsDeferred);

        var parts = SplitLoaded(original, 12);
        // The parts' copies are still recognised as deferred (by reference), so the saver inlines them.
        Assert.Contains(parts[0].Model.Graph.Initializer, original.ExternalData.IsDeferred);
        var loaded = SaveAndLoad(original, parts);
        try
        {
            Assert.All(loaded, l => Assert.False(File.Exists(l.Path + ".data")));
            var report = ChainedVerifier.Compare(original, loaded, new VerifyOptions { Inputs = 1, Tolerance = 1e-6 });
            Assert.True(report.Passed, string.Join("; ", report.Outputs.Select(o => $"{o.Name} {o.MaxRelativeError} {o.Problem}")));
        }
        finally
        {
            foreach (var l in loaded) l.Dispose();
        }
    }
}
