using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite;

namespace OnnxCoDesign.Passes.Pipeline;

/// <summary>
/// A named list of passes. <see cref="Run"/> runs them in order on one graph, verifies the graph after every
/// pass (<see cref="GraphVerifier"/>, with inferred shapes checked against the declared ones), and drops the
/// graph's cached analysis whenever a pass rewrote something.
/// </summary>
public sealed class PassPipeline(string name, IReadOnlyList<IGraphPass> passes)
{
    public string Name { get; } = name;

    public IReadOnlyList<IGraphPass> Passes { get; } = passes;

    public IReadOnlyList<PassResult> Run(ModelGraph graph, PassContext context)
    {
        var results = new List<PassResult>(Passes.Count);
        // A model serialized in topological order must stay so (ONNX requires it; a few exports are not).
        var ordered = GraphVerifier.IsSerializedInOrder(graph);
        foreach (var pass in Passes)
        {
            context.Trace.Count(pass.Name);
            var result = pass.Run(graph, context);
            if (result.Rewrites.Count > 0) context.Analyses.Invalidate(graph);
            context.Trace.Count(PassTrace.VerifyGraph);
            GraphVerifier.Verify(graph, after: pass.Name, serializedOrder: ordered);
            results.Add(result);
        }
        return results;
    }
}
