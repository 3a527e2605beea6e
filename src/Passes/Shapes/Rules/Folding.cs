using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Helpers the data-movement rules share: element counts, row-major index arithmetic, and building a
/// folded <see cref="ConstValue"/> by picking elements of a known input (Gather, Slice, Transpose, Expand …
/// are all "output element k comes from input element f(k)").
/// </summary>
internal static class Folding
{
    /// <summary>Number of elements, or -1 when any dim is unknown. Checked: a count past int64 throws, and shape inference reports it (OCD1307).</summary>
    public static long Count(long[] dims)
    {
        var n = 1L;
        foreach (var d in dims)
        {
            if (d < 0) return -1;
            n = checked(n * d);
        }
        return n;
    }

    /// <summary>Whether a tensor of these dims is small enough to fold (shape arithmetic, not weights); never overflows.</summary>
    public static bool Small(long[] dims)
    {
        if (!Known(dims)) return false;
        if (dims.Contains(0)) return true;
        var n = 1L;
        foreach (var d in dims)
        {
            // n ≤ MaxElements and d ≤ MaxElements here, so the product cannot overflow.
            if (d > ConstValue.MaxElements) return false;
            n *= d;
            if (n > ConstValue.MaxElements) return false;
        }
        return true;
    }

    public static bool Known(long[] dims) => dims.All(d => d >= 0);

    /// <summary>Row-major strides of a shape.</summary>
    public static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        var s = 1L;
        for (var i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s = checked(s * dims[i]);
        }
        return strides;
    }

    /// <summary>Coordinates of a flat row-major index.</summary>
    public static long[] Coords(long flat, long[] dims)
    {
        var coords = new long[dims.Length];
        for (var i = dims.Length - 1; i >= 0; i--)
        {
            coords[i] = dims[i] == 0 ? 0 : flat % dims[i];
            flat = dims[i] == 0 ? 0 : flat / dims[i];
        }
        return coords;
    }

    /// <summary>A value of <paramref name="dims"/> whose element k is element <c>source(k)</c> of <paramref name="src"/>;
    /// null when the result is too large to fold.</summary>
    public static ConstValue? Pick(ConstValue src, long[] dims, Func<long, long> source)
    {
        if (!Small(dims)) return null;
        var n = (int)Count(dims);
        if (src.IsInteger)
        {
            var ints = new long[n];
            for (var k = 0; k < n; k++) ints[k] = src.Ints![source(k)];
            return ConstValue.OfInts(src.ElemType, dims, ints);
        }
        var reals = new double[n];
        for (var k = 0; k < n; k++) reals[k] = src.Reals![source(k)];
        return ConstValue.OfReals(src.ElemType, dims, reals);
    }

    /// <summary>A shape as a folded int64 vector, when every dim is known.</summary>
    public static ConstValue? ShapeValue(long[] dims) =>
        Known(dims) ? ConstValue.OfInts(ElementType.Int64, [dims.Length], dims) : null;

    /// <summary>
    /// A list of ints that the operator takes as an attribute before <paramref name="inputSince"/> and as input
    /// <paramref name="input"/> from then on (axes, split, pads …). Returns false when the input is present but
    /// not known at compile time; <paramref name="values"/> is null when the list is absent altogether.
    /// </summary>
    public static bool TryInts(ShapeContext c, string attribute, int input, long inputSince, out long[]? values)
    {
        if (c.Opset < inputSince)
        {
            values = c.Proto.GetInts(attribute);
            return true;
        }
        values = null;
        if (!c.HasInput(input)) return true;
        values = c.ConstInts(input);
        return values is not null;
    }

    /// <summary>Normalises axes against a rank and rejects repeats.</summary>
    public static int[] Axes(ShapeContext c, IEnumerable<long> axes, int rank)
    {
        var result = axes.Select(a => c.Axis(a, rank)).ToArray();
        if (result.Distinct().Count() != result.Length) throw c.Fail($"axes [{string.Join(",", result)}] repeat an axis");
        return result;
    }

    public static long[] Unknown(int rank) => Enumerable.Repeat(-1L, rank).ToArray();

    public static string Text(long[] dims) => "[" + string.Join(",", dims) + "]";
}
