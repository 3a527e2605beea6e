using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Pipeline;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Pipeline;

/// <summary>The analysis half of the pipeline: graph IR, verification, shapes and costs.</summary>
public sealed record ModelAnalysis(string DisplayName, ModelGraph Graph, ShapeInferenceResult Shapes, CostReport Cost)
{
    public IReadOnlyList<Diagnostic> Diagnostics => Shapes.Diagnostics.Items;

    private readonly Dictionary<KernelRules, KernelReport> _kernels = new();

    /// <summary>The kernels TensorRT runs this graph as (<see cref="KernelGrouping"/>), grouped once.</summary>
    public KernelReport Kernels => KernelsFor(KernelRules.TensorRt);

    /// <summary>The kernels a runtime with <paramref name="rules"/> runs this graph as, grouped once per rule set.</summary>
    public KernelReport KernelsFor(KernelRules rules)
    {
        lock (_kernels)
        {
            if (!_kernels.TryGetValue(rules, out var report)) _kernels[rules] = report = KernelGrouping.Run(Graph, Shapes, Cost, rules);
            return report;
        }
    }

    public static ModelAnalysis Run(LoadedModel model, string displayName, ShapeBindings bindings) =>
        Run(new ModelGraph(model.Model, model.Path), model.ExternalData, displayName, bindings);

    private static ModelAnalysis Run(ModelGraph graph, ExternalDataStore externalData, string displayName, ShapeBindings bindings)
    {
        GraphVerifier.Verify(graph);
        var shapes = ShapeInference.Run(graph, bindings, externalData);
        var cost = AnnotateCost.Run(graph, shapes);
        return new ModelAnalysis(displayName, graph, shapes, cost);
    }

    /// <summary>
    /// The analysis of a graph the pipeline has verified, from the context's cache: each graph version is
    /// analysed once, its declared shapes checked against the inferred ones, its warnings kept in the context.
    /// </summary>
    public static ModelAnalysis Of(ModelGraph graph, PassContext context, string displayName)
    {
        var analysis = context.Analyses.Of(graph, context);
        return new ModelAnalysis(displayName, graph, analysis.Shapes, analysis.Cost);
    }
}
