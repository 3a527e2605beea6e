using System.Runtime.CompilerServices;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Pipeline;

/// <summary>Shapes and costs of one version of a graph.</summary>
public sealed record GraphAnalysis(ShapeInferenceResult Shapes, CostReport Cost);

/// <summary>
/// Shapes and costs per graph version: a graph is analysed once until a pass that changes it invalidates it
/// (<see cref="PassPipeline"/> does so whenever a pass rewrote something). Shape-inference warnings go to the
/// context's diagnostics; declared shapes are checked against the inferred ones.
/// </summary>
public sealed class AnalysisCache
{
    private readonly ConditionalWeakTable<ModelGraph, GraphAnalysis> _analyses = new();

    public GraphAnalysis Of(ModelGraph graph, PassContext context)
    {
        if (_analyses.TryGetValue(graph, out var cached)) return cached;
        context.Trace.Count(PassTrace.ShapeInference);
        var shapes = ShapeInference.Run(graph, context.Bindings, context.Weights);
        foreach (var d in shapes.Diagnostics.Items) context.Diagnostics.Add(d);
        GraphVerifier.VerifyShapes(graph, shapes);
        context.Trace.Count(PassTrace.CostAnalysis);
        var analysis = new GraphAnalysis(shapes, AnnotateCost.Run(graph, shapes));
        _analyses.AddOrUpdate(graph, analysis);
        return analysis;
    }

    /// <summary>
    /// Lets <paramref name="to"/>, a graph of the same version as <paramref name="from"/> (a copy no pass changed,
    /// or the same rewrite with other weight values), use its analysis instead of running one.
    /// </summary>
    public void Share(ModelGraph from, ModelGraph to)
    {
        if (_analyses.TryGetValue(from, out var analysis)) _analyses.AddOrUpdate(to, analysis);
    }

    public bool Has(ModelGraph graph) => _analyses.TryGetValue(graph, out _);

    public void Invalidate(ModelGraph graph) => _analyses.Remove(graph);
}
