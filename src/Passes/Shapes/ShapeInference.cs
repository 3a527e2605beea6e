using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Passes.Shapes;

/// <summary>
/// Infers the element type and shape of every tensor, walking the nodes in topological order and folding
/// the small constants that shape arithmetic produces. Symbolic input dimensions are bound first: from the
/// user's bindings, else to 1 with a warning. An operator without a rule is recorded as unknown; its
/// outputs take the shapes value_info declares, and a node that needs an undeclared one fails (OCD1301).
/// Rules compute in checked arithmetic (past int64 is OCD1307, naming the node), and every tensor typed here
/// is held to <see cref="TensorBounds"/> (OCD1308), so the costs computed from these types stay inside int64.
/// </summary>
public static class ShapeInference
{
    public static ShapeInferenceResult Run(ModelGraph graph, ShapeBindings? bindings = null, ExternalDataStore? store = null)
    {
        bindings ??= ShapeBindings.Empty;
        var result = new ShapeInferenceResult();
        var file = graph.SourcePath;
        CheckBindingsName(graph, bindings, file);
        foreach (var input in graph.Inputs) BindInput(input, bindings, result, file);
        foreach (var (name, tensor) in graph.Initializers) result.Types[name] = Bounded(new TensorInfo(tensor.DataType, tensor.Dims.ToArray()), $"initializer '{name}'", file);

        var declared = DeclaredTypes(graph);
        var declaredElements = DeclaredElementTypes(graph);
        ConstValue? ConstantOf(string name)
        {
            if (result.Constants.TryGetValue(name, out var folded)) return folded;
            if (graph.Initializers.TryGetValue(name, out var init) && !graph.IsRuntimeInput(name))
            {
                var value = ConstValue.FromTensor(init, store);
                if (value is not null) result.Constants[name] = value;
                return value;
            }
            return null;
        }

        foreach (var node in graph.Nodes)
        {
            var rule = node.Domain.Length == 0 ? ShapeRuleTable.Find(node.OpType) : null;
            if (rule is null)
            {
                TypeUnknownNode(node, declared, result, file);
                continue;
            }
            var context = new ShapeContext(node, graph.Opset, result, ConstantOf, file);
            // Rules compute in checked arithmetic; an attribute or shape that overflows is the model's fault.
            try { rule(context); }
            catch (OverflowException e) { throw context.Overflow(e); }
            catch (DivideByZeroException) { throw context.Fail("a shape computation divides by zero: an attribute or input size is 0 where it must not be"); }
            CheckDeclaredElementTypes(node, result, declaredElements, file);
        }
        return result;
    }

    private static TensorInfo Bounded(TensorInfo info, string what, string? file)
    {
        TensorBounds.Check(info, what, file);
        return info;
    }

    private static void CheckBindingsName(ModelGraph graph, ShapeBindings bindings, string? file)
    {
        var symbols = graph.Inputs.SelectMany(i => i.Type?.TensorType?.Shape?.Dim ?? Enumerable.Empty<TensorShapeProto.Types.Dimension>())
            .Where(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam)
            .Select(d => d.DimParam)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (name, dims) in bindings.Items)
        {
            if (graph.Inputs.Any(i => i.Name == name)) continue;
            if (symbols.Contains(name) && dims.Length == 1) continue;
            var known = string.Join(", ", graph.Inputs.Select(i => i.Name).Concat(symbols));
            throw new CodesignException(ErrorCodes.ShapeOptionUnknownInput,
                $"--shape names '{name}', which is neither a graph input nor a symbolic dimension (known: {known})", file);
        }
    }

    private static void BindInput(ValueInfoProto input, ShapeBindings bindings, ShapeInferenceResult result, string? file)
    {
        var tensorType = input.Type?.TensorType;
        if (tensorType is null)
        {
            throw new CodesignException(ErrorCodes.UnboundDimension, $"graph input '{input.Name}' is not a tensor", file);
        }
        if (bindings.TryGet(input.Name, out var given))
        {
            var declaredRank = tensorType.Shape?.Dim.Count;
            if (tensorType.Shape is not null && declaredRank != given.Length)
            {
                throw new CodesignException(ErrorCodes.ShapeOptionMalformed,
                    $"--shape gives '{input.Name}' rank {given.Length}, but the model declares rank {declaredRank}", file);
            }
            CheckFixedDims(input, given, file);
            result.Types[input.Name] = Bounded(new TensorInfo(tensorType.ElemType, given), $"input '{input.Name}' (given by --shape)", file);
            return;
        }
        if (tensorType.Shape is null)
        {
            throw new CodesignException(ErrorCodes.UnboundDimension,
                $"graph input '{input.Name}' has no shape; give it with --shape {input.Name}=DIMS", file);
        }
        var dims = new long[tensorType.Shape.Dim.Count];
        for (var i = 0; i < dims.Length; i++)
        {
            var dim = tensorType.Shape.Dim[i];
            if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue >= 0)
            {
                dims[i] = dim.DimValue;
                continue;
            }
            var symbol = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? dim.DimParam : "";
            if (symbol.Length > 0 && bindings.TryGet(symbol, out var bound))
            {
                dims[i] = bound[0];
            }
            else if (symbol.Length > 0 && result.Symbols.TryGetValue(symbol, out var seen))
            {
                dims[i] = seen;
                continue;
            }
            else
            {
                dims[i] = 1;
                result.Diagnostics.Warn(WarningCodes.SymbolicDimensionDefaulted,
                    $"input '{input.Name}' dimension {i} ('{(symbol.Length > 0 ? symbol : "?")}') is not bound; using 1 (bind it with --shape {input.Name}=DIMS)");
            }
            if (symbol.Length > 0) result.Symbols[symbol] = dims[i];
        }
        if (Array.IndexOf(dims, 0L) is var empty and >= 0)
        {
            // A zero-sized input computes nothing; ONNX Runtime's shape checks refuse some of what follows (a -1 beside a 0).
            throw new CodesignException(ErrorCodes.EmptyInput,
                $"graph input '{input.Name}' declares dimension {empty} as 0: an empty tensor leaves nothing to compute (bind a size with --shape {input.Name}=DIMS)", file);
        }
        result.Types[input.Name] = Bounded(new TensorInfo(tensorType.ElemType, dims), $"input '{input.Name}'", file);
    }

    private static void CheckFixedDims(ValueInfoProto input, long[] given, string? file)
    {
        var declared = input.Type.TensorType.Shape?.Dim;
        if (declared is null) return;
        for (var i = 0; i < given.Length; i++)
        {
            if (declared[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && declared[i].DimValue > 0 && declared[i].DimValue != given[i])
            {
                throw new CodesignException(ErrorCodes.ShapeOptionMalformed,
                    $"--shape gives '{input.Name}' dimension {i} = {given[i]}, but the model fixes it at {declared[i].DimValue}", file);
            }
        }
    }

    private static Dictionary<string, ValueInfoProto> DeclaredTypes(ModelGraph graph)
    {
        var declared = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
        foreach (var v in graph.Proto.ValueInfo.Concat(graph.Proto.Output))
        {
            if (v.Type?.TensorType?.Shape is not null) declared.TryAdd(v.Name, v);
        }
        return declared;
    }

    /// <summary>The element types value_info and the graph outputs state (0, undefined, states nothing).</summary>
    private static Dictionary<string, int> DeclaredElementTypes(ModelGraph graph)
    {
        var declared = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in graph.Proto.ValueInfo.Concat(graph.Proto.Output))
        {
            if (v.Type?.TensorType is { ElemType: not ElementType.Undefined } t) declared.TryAdd(v.Name, t.ElemType);
        }
        return declared;
    }

    /// <summary>
    /// A known operator's output whose element type differs from the one value_info or the graph's outputs
    /// declare for it: ONNX Runtime refuses such a model at load (its type inference merges the two), so the
    /// tool refuses it too (OCD1211) rather than analyse one type and emit the other.
    /// </summary>
    private static void CheckDeclaredElementTypes(GraphNode node, ShapeInferenceResult result, Dictionary<string, int> declared, string? file)
    {
        foreach (var output in node.Outputs.Where(o => o.Length > 0))
        {
            if (!declared.TryGetValue(output, out var stated) || !result.Types.TryGetValue(output, out var inferred)) continue;
            if (inferred.ElemType == ElementType.Undefined || inferred.ElemType == stated) continue;
            throw new CodesignException(ErrorCodes.TypeMismatch,
                $"node '{node.Name}' ({node.OpType}) writes '{output}' as {ElementType.Name(inferred.ElemType)}, but the model declares it {ElementType.Name(stated)}", file);
        }
    }

    private static void TypeUnknownNode(GraphNode node, Dictionary<string, ValueInfoProto> declared, ShapeInferenceResult result, string? file)
    {
        result.UnknownNodes.Add(node);
        var label = node.Domain.Length == 0 ? node.OpType : $"{node.Domain}.{node.OpType}";
        result.Diagnostics.Warn(WarningCodes.UnknownOperator, $"node '{node.Name}': operator {label} is unknown; its cost is unknown");
        foreach (var output in node.Outputs.Where(o => o.Length > 0))
        {
            if (!declared.TryGetValue(output, out var info)) continue;
            var dims = info.Type.TensorType.Shape.Dim
                .Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue
                    : result.Symbols.TryGetValue(d.DimParam, out var v) ? v : -1)
                .ToArray();
            result.Types[output] = Bounded(new TensorInfo(info.Type.TensorType.ElemType, dims), $"tensor '{output}' of node '{node.Name}' ({node.OpType}), as value_info declares it", file);
            result.Diagnostics.Warn(WarningCodes.ShapeFromValueInfo, $"tensor '{output}' takes its shape {result.Types[output].ShapeText} from value_info");
        }
    }
}
