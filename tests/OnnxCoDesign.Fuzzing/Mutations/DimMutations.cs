using Onnx;

namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>Dimensions past int64, negative or zero, in declared shapes, initializers and `--shape` bindings.</summary>
public static class DimMutations
{
    private const string Class = "dims";

    public static IEnumerable<Mutation> All { get; } =
    [
        new("input-dim-extreme", Class, c =>
        {
            if (InputDims(c) is not { Count: > 0 } dims) return;
            dims[c.Random.Next(dims.Count)] = new TensorShapeProto.Types.Dimension { DimValue = c.Random.ExtremeInt64() };
        }),
        new("input-dim-2pow62", Class, c =>
        {
            if (InputDims(c) is not { Count: > 0 } dims) return;
            dims[c.Random.Next(dims.Count)] = new TensorShapeProto.Types.Dimension { DimValue = 1L << 62 };
        }),
        new("input-dim-unbound-symbol", Class, c =>
        {
            if (InputDims(c) is not { Count: > 0 } dims) return;
            dims[c.Random.Next(dims.Count)] = new TensorShapeProto.Types.Dimension { DimParam = "n" + c.Random.Next(3) };
        }),
        new("input-rank-changed", Class, c =>
        {
            if (InputDims(c) is not { Count: > 0 } dims) return;
            if (c.Random.Chance(0.5)) dims.RemoveAt(c.Random.Next(dims.Count));
            else dims.Add(new TensorShapeProto.Types.Dimension { DimValue = c.Random.Between(1, 3) });
        }),
        new("shape-binding-extreme", Class, c =>
        {
            // Make the batch symbolic, then bind it past what any arithmetic on it can hold.
            Symbolize(c, "batch");
            c.ShapeBindings.Add("batch=" + c.Random.Pick("1099511627776", "4611686018427387904", "9223372036854775807", "2147483648", "0", "-1", "99999999999999999999"));
        }),
        new("shape-binding-input-extreme", Class, c =>
        {
            if (c.Graph.Input.Count == 0) return;
            var name = c.Graph.Input[0].Name;
            var big = c.Random.Pick("1099511627776", "4611686018427387904", "9223372036854775807", "4294967296", "0", "-3");
            c.ShapeBindings.Add($"{name}=1x3x{big}x32");
        }),
        new("shape-binding-malformed", Class, c =>
        {
            var name = c.Graph.Input.Count > 0 ? c.Graph.Input[0].Name : "input";
            c.ShapeBindings.Add(c.Random.Pick($"{name}=", "=4", $"{name}=1x3", "nosuch=1x3x32x32", $"{name}=1xx3x32x32", $"{name}=1x3x32x32x", "batch=abc", $"{name}=1,3,32,32", "batch"));
        }),
        new("initializer-dim-extreme", Class, c =>
        {
            if (c.PickInitializer(t => t.Dims.Count > 0) is not { } t || t.Dims.Count == 0) return;
            t.Dims[c.Random.Next(t.Dims.Count)] = c.Random.ExtremeInt64();
        }),
        new("initializer-dims-overflow", Class, c =>
        {
            // Each dim fits, the product does not; the data is unchanged.
            if (c.PickInitializer() is not { } t) return;
            t.Dims.Clear();
            t.Dims.Add([1L << 32, 1L << 32, c.Random.Between(1, 8)]);
        }),
        new("output-shape-wrong", Class, c =>
        {
            if (c.Graph.Output.Count == 0) return;
            var shape = c.Graph.Output[c.Random.Next(c.Graph.Output.Count)].Type?.TensorType?.Shape;
            if (shape is null || shape.Dim.Count == 0) return;
            shape.Dim[c.Random.Next(shape.Dim.Count)] = new TensorShapeProto.Types.Dimension { DimValue = c.Random.Pick(7L, 0L, -1L, 1L << 40) };
        }),
    ];

    private static Google.Protobuf.Collections.RepeatedField<TensorShapeProto.Types.Dimension>? InputDims(MutationContext c) =>
        c.Graph.Input.Count == 0 ? null : c.Graph.Input[0].Type?.TensorType?.Shape?.Dim;

    /// <summary>Replaces the first dim of every graph input and output with <paramref name="symbol"/>.</summary>
    private static void Symbolize(MutationContext c, string symbol)
    {
        foreach (var v in c.Graph.Input.Concat(c.Graph.Output))
        {
            var dims = v.Type?.TensorType?.Shape?.Dim;
            if (dims is { Count: > 0 }) dims[0] = new TensorShapeProto.Types.Dimension { DimParam = symbol };
        }
    }
}
