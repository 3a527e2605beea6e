using Onnx;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Partition;

/// <summary>
/// Splits a model at many cut sets and checks each chain against the original. The original runs once
/// (on one seeded sample) and each chain through <see cref="ModelChain"/>, so checking every cut of a
/// sample model costs one run of the model per cut.
/// </summary>
internal sealed class ChainCheck
{
    private readonly LoadedModel _original;
    private readonly IReadOnlyDictionary<string, TensorData> _sample;
    private readonly IReadOnlyDictionary<string, TensorData> _reference;
    private readonly IReadOnlyList<string> _outputs;

    public ChainCheck(LoadedModel original, ulong seed = 5)
    {
        _original = original;
        Graph = new ModelGraph(original.Model, original.Path);
        Shapes = ShapeInference.Run(Graph, store: original.ExternalData);
        var (inputs, _) = InputGenerator.ResolveInputs(original, ShapeBindings.Empty);
        _sample = InputGenerator.Generate(inputs, 1, seed)[0];
        using var session = new OrtModel(original);
        _outputs = session.OutputNames;
        _reference = session.Run(_sample);
    }

    public ModelGraph Graph { get; }

    public ShapeInferenceResult Shapes { get; }

    /// <summary>Splits at <paramref name="cuts"/>, checks every part's structure, runs the chain; returns the worst relative error.</summary>
    public double Check(params int[] cuts)
    {
        var parts = PartExtractor.Split(Graph, Shapes, cuts);
        Assert.Equal(cuts.Length + 1, parts.Count);
        foreach (var part in parts) GraphChecks.WellFormed(part.Model);
        var loaded = parts.Select(p => _original.Derived(p.Model)).ToList();
        using var chain = new ModelChain(loaded);
        var table = chain.Run(_sample);
        var worst = 0.0;
        foreach (var name in _outputs)
        {
            Assert.True(table.ContainsKey(name), $"cuts [{string.Join(",", cuts)}]: the chain does not produce '{name}'");
            var c = OutputComparison.Compute(name, [_reference[name]], [table[name]]);
            Assert.Null(c.Problem);
            worst = Math.Max(worst, double.IsNaN(c.MaxRelativeError) ? double.PositiveInfinity : c.MaxRelativeError);
        }
        return worst;
    }

    public static ChainCheck For(ModelProto model) => new(LoadedModel.InMemory(model));
}
