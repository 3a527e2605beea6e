namespace OnnxCoDesign.Passes.Shapes;

/// <summary>Numpy multidirectional broadcasting, as ONNX's elementwise operators use it.</summary>
public static class Broadcast
{
    /// <summary>The broadcast shape, or null when the shapes are incompatible. Unknown dims (-1) stay unknown
    /// unless the other side fixes them.</summary>
    public static long[]? Shape(IReadOnlyList<long[]> shapes)
    {
        var rank = shapes.Count == 0 ? 0 : shapes.Max(s => s.Length);
        var result = Enumerable.Repeat(1L, rank).ToArray();
        foreach (var shape in shapes)
        {
            for (var i = 0; i < shape.Length; i++)
            {
                var r = rank - shape.Length + i;
                var d = shape[i];
                if (d == 1) continue;
                if (result[r] == 1 || result[r] == d) result[r] = d;
                else if (result[r] < 0) result[r] = d;
                else if (d < 0) continue;
                else return null;
            }
        }
        return result;
    }

    /// <summary>Index into a broadcast operand for the flat index of the result (row-major).</summary>
    public static int SourceIndex(long[] resultDims, long[] operandDims, int flat)
    {
        var index = 0L;
        var stride = 1L;
        var offset = resultDims.Length - operandDims.Length;
        for (var axis = resultDims.Length - 1; axis >= 0; axis--)
        {
            var coord = flat % resultDims[axis];
            flat = (int)(flat / resultDims[axis]);
            var od = axis - offset;
            if (od < 0) continue;
            if (operandDims[od] != 1) index += coord * stride;
            stride *= operandDims[od];
        }
        return (int)index;
    }
}
