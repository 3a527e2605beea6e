using Onnx;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// The structural checks that ONNX's checker and ONNX Runtime make before they run a model, made when a
/// model is loaded so that every command refuses the same models with the same coded error, before any
/// pass reads a weight. Each concern is its own rule file; this is the list, in the order they run:
/// opsets, stored tensors, a graph with nodes and outputs, graph inputs and outputs, unique node and
/// attribute names, then each node of a known operator (arity,
/// required inputs, attributes, element types, parameter shapes). Operators the tool does not know are
/// left to the later stages (named, their cost unknown).
/// </summary>
public static class ModelChecker
{
    /// <summary>The operators whose nodes are checked against a schema (those shape inference knows).</summary>
    public static IReadOnlyCollection<string> KnownOperators => OperatorSignatures.Operators;

    /// <param name="model">A parsed model with a graph.</param>
    /// <param name="file">The model's file, for messages.</param>
    /// <param name="hasDeferredRawData">
    /// Whether a tensor's raw_data was left in the file by the loader (its RawData is then empty here).
    /// </param>
    public static void Check(ModelProto model, string? file, Func<TensorProto, bool>? hasDeferredRawData = null)
    {
        CheckStoredData(model, file, hasDeferredRawData);
        CheckGraph(model, file);
    }

    /// <summary>
    /// The file-level half: opsets and every stored tensor. The loader runs it before it validates external
    /// data and raw_data sizes, and <see cref="CheckGraph"/> after, so a damaged weight is reported as
    /// such rather than as the shape error it causes.
    /// </summary>
    public static void CheckStoredData(ModelProto model, string? file, Func<TensorProto, bool>? hasDeferredRawData = null)
    {
        OpsetCheck.Check(model, file);
        TensorCheck.CheckAll(model, file, hasDeferredRawData ?? (_ => false));
    }

    /// <summary>The graph half: content, inputs and outputs, names, then each node of a known operator.</summary>
    public static void CheckGraph(ModelProto model, string? file)
    {
        GraphContentCheck.Check(model.Graph, file);
        GraphValueCheck.Check(model.Graph, file);
        NameCheck.Check(model.Graph, file);
        var opset = OpsetCheck.DefaultOpset(model);
        var known = StaticTypes.Of(model.Graph);
        foreach (var node in model.Graph.Node)
        {
            var where = new NodeSite(node, file);
            if (!NodeCheck.Check(where, opset, out var signature)) continue;
            NodeTypeCheck.Check(where, signature, known);
            ParameterShapeCheck.Check(where, opset, known);
        }
    }
}
