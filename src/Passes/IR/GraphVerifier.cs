using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.IR;

/// <summary>
/// Well-formedness: every tensor assigned once (by a node, an initializer or a graph input), every input
/// defined before use, every graph output produced. Acyclicity is checked when the order is built. Runs
/// after loading and after every pass (<see cref="Pipeline.PassPipeline"/>), which also asks for the
/// serialized node order to be topological; <see cref="VerifyShapes"/> checks declared shapes against inferred ones.
/// </summary>
public static class GraphVerifier
{
    /// <param name="after">The pass that just ran, named in the message; null when verifying a loaded model.</param>
    /// <param name="serializedOrder">Also require the serialized node list to be in topological order.</param>
    public static void Verify(ModelGraph graph, string? after = null, bool serializedOrder = false)
    {
        var file = graph.SourcePath;
        var by = after is null ? "" : $" after pass '{after}'";
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var initializer in graph.Proto.Initializer)
        {
            if (!defined.Add(initializer.Name))
            {
                throw new CodesignException(ErrorCodes.DuplicateDefinition, $"initializer '{initializer.Name}' is defined twice{by}", file);
            }
        }
        foreach (var input in graph.Inputs)
        {
            if (!defined.Add(input.Name))
            {
                throw new CodesignException(ErrorCodes.DuplicateDefinition, $"graph input '{input.Name}' is defined twice{by}", file);
            }
        }

        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs.Concat(node.ImplicitInputs).Where(i => i.Length > 0))
            {
                if (!defined.Contains(input))
                {
                    throw new CodesignException(ErrorCodes.UndefinedInput,
                        $"node '{node.Name}' ({node.OpType}) reads '{input}', which no node, initializer or graph input defines{by}", file);
                }
            }
            foreach (var output in node.Outputs.Where(o => o.Length > 0))
            {
                if (!defined.Add(output))
                {
                    throw new CodesignException(ErrorCodes.DuplicateDefinition,
                        $"tensor '{output}' is assigned more than once (again by node '{node.Name}'){by}", file);
                }
            }
        }

        foreach (var output in graph.Outputs)
        {
            if (!defined.Contains(output.Name))
            {
                throw new CodesignException(ErrorCodes.OutputNotProduced, $"graph output '{output.Name}' is not produced by any node{by}", file);
            }
        }
        if (serializedOrder && FirstOutOfOrder(graph) is { } late)
        {
            throw new CodesignException(ErrorCodes.UndefinedInput,
                $"node '{late.Node}' is serialized before '{late.Producer}', which produces its input '{late.Tensor}'{by}", file);
        }
    }

    /// <summary>True when the serialized node list is in topological order (every input produced by an earlier node).</summary>
    public static bool IsSerializedInOrder(ModelGraph graph) => FirstOutOfOrder(graph) is null;

    private static (string Node, string Producer, string Tensor)? FirstOutOfOrder(ModelGraph graph)
    {
        var producedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Proto.Node.Count; i++)
        {
            foreach (var o in graph.Proto.Node[i].Output.Where(o => o.Length > 0)) producedBy.TryAdd(o, i);
        }
        var nodes = graph.Nodes.ToDictionary(n => n.Proto, (IEqualityComparer<Onnx.NodeProto>)ReferenceEqualityComparer.Instance);
        for (var i = 0; i < graph.Proto.Node.Count; i++)
        {
            var node = nodes[graph.Proto.Node[i]];
            foreach (var input in node.Inputs.Concat(node.ImplicitInputs).Where(x => x.Length > 0))
            {
                if (producedBy.TryGetValue(input, out var p) && p > i)
                {
                    return (node.Name, nodes[graph.Proto.Node[p]].Name, input);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Declared shapes (graph outputs and value_info) must agree with the inferred ones wherever both give a
    /// dimension as a number: a rewrite that changes a shape without updating what the model declares fails here.
    /// </summary>
    public static void VerifyShapes(ModelGraph graph, Shapes.ShapeInferenceResult shapes)
    {
        foreach (var info in graph.Outputs.Concat(graph.Proto.ValueInfo))
        {
            var declared = info.Type?.TensorType?.Shape;
            var inferred = shapes.TypeOf(info.Name)?.Dims;
            if (declared is null || inferred is null || declared.Dim.Count != inferred.Length) continue;
            for (var d = 0; d < inferred.Length; d++)
            {
                var dim = declared.Dim[d];
                if (dim.ValueCase == Onnx.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue > 0 && inferred[d] > 0 && dim.DimValue != inferred[d])
                {
                    throw new CodesignException(ErrorCodes.DeclaredShapeMismatch,
                        $"tensor '{info.Name}' is declared with dimension {d} = {dim.DimValue} but inferred as {inferred[d]}", graph.SourcePath);
                }
            }
        }
    }
}
