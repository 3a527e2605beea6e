using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Rewrite;

/// <summary>What every rewrite test asserts about a pass's output, beside its numbers.</summary>
internal static class RewriteChecks
{
    /// <summary>fp32 relative error a rewrite may introduce (it only changes rounding).</summary>
    public const double Tolerance = 1e-5;

    /// <summary>
    /// <see cref="GraphChecks.WellFormed"/>, plus what a saved model needs beyond the IR's own order: the node
    /// list itself in topological order (ONNX requires it; the IR sorts for itself, so it would not notice),
    /// and at IR 3 every initializer also listed as a graph input.
    /// </summary>
    public static ModelGraph WellFormed(ModelProto model)
    {
        var graph = GraphChecks.WellFormed(model);
        var defined = new HashSet<string>(model.Graph.Initializer.Select(i => i.Name).Concat(model.Graph.Input.Select(i => i.Name)), StringComparer.Ordinal);
        foreach (var node in model.Graph.Node)
        {
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                Assert.True(defined.Contains(input), $"node '{node.Name}' reads '{input}' before the node list defines it");
            }
            defined.UnionWith(node.Output);
        }
        if (model.IrVersion < 4)
        {
            var listed = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            Assert.All(model.Graph.Initializer, i => Assert.True(listed.Contains(i.Name), $"IR 3 initializer '{i.Name}' is not listed as a graph input"));
        }
        return graph;
    }

    /// <summary>Well-formed and within <see cref="Tolerance"/> of the original in ONNX Runtime.</summary>
    public static void Equivalent(ModelProto original, ModelProto rewritten, int samples = 2)
    {
        WellFormed(rewritten);
        Assert.InRange(OrtCompare.RelativeError(original, rewritten, samples), 0, Tolerance);
    }

    public static string Print(ModelProto model) => GraphPrinter.Print(new ModelGraph(model));

    /// <summary>The printout with shapes, as the goldens hold it.</summary>
    public static string PrintWithShapes(ModelProto model)
    {
        var graph = new ModelGraph(model);
        return GraphPrinter.Print(graph, OnnxCoDesign.Passes.Shapes.ShapeInference.Run(graph));
    }

    /// <summary>
    /// The pass changed nothing (the printout and every byte of the model are as they were) and declined
    /// exactly one match, at <paramref name="anchor"/>, for a reason that names <paramref name="cause"/>.
    /// </summary>
    public static void LeftAloneBecause(ModelProto original, ModelProto after, PassResult result, string anchor, string cause)
    {
        WellFormed(after);
        Assert.Equal(Print(original), Print(after));
        Assert.Equal(original, after);
        Assert.Empty(result.Rewrites);
        var declined = Assert.Single(result.LeftAlone);
        Assert.Equal(anchor, declined.Anchor);
        Assert.Contains(cause, declined.Reason);
    }

    /// <summary>Nothing to rewrite and nothing declined: the graph is as it was.</summary>
    public static void NothingToDo(ModelProto original, ModelProto after, PassResult result)
    {
        Assert.Empty(result.Rewrites);
        Assert.Empty(result.LeftAlone);
        Assert.Equal(original, after);
    }

    public static int Count(ModelProto model, string opType) => GraphChecks.Count(model, opType);
}
