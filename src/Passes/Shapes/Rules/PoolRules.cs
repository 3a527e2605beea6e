using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// MaxPool, AveragePool, LpPool: Y[N, C, out…] with out from <see cref="SpatialWindow"/> over kernel_shape,
///   strides, pads/auto_pad, dilations and ceil_mode. MaxPool's optional Indices output is int64 of Y's shape.
/// GlobalAveragePool, GlobalMaxPool, GlobalLpPool: Y[N, C, 1, …, 1].
/// Attribute history the rules enforce: ceil_mode from MaxPool/AveragePool-10 (LpPool-18); dilations from
/// MaxPool-10, AveragePool-19, LpPool-18. count_include_pad and storage_order do not change shapes.
/// </summary>
internal static class PoolRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["MaxPool"] = Pool;
        table["AveragePool"] = Pool;
        table["LpPool"] = Pool;
        table["GlobalAveragePool"] = Global;
        table["GlobalMaxPool"] = Global;
        table["GlobalLpPool"] = Global;
    }

    private static void Pool(ShapeContext c)
    {
        var x = c.Dims(0);
        if (x.Length < 3) throw c.Fail($"X has rank {x.Length}; pools need [N, C, spatial…]");
        var kernel = c.Proto.GetInts("kernel_shape") ?? throw c.Fail("kernel_shape is required");
        if (kernel.Any(k => k <= 0)) throw c.Fail($"kernel {Folding.Text(kernel)} must be positive");
        var op = c.OpType();
        var dilationsSince = op switch { "MaxPool" => 10, "AveragePool" => 19, _ => 18 };
        var ceilSince = op == "LpPool" ? 18 : 10;
        // An attribute the imported opset does not define is rejected only when it would change the result,
        // so that an exporter's explicit default (ceil_mode=0, dilations=1) still loads.
        if (c.Opset < dilationsSince && c.Proto.GetInts("dilations") is { } d && d.Any(v => v != 1))
        {
            throw c.Unsupported($"dilations need {op}-{dilationsSince}; the model imports opset {c.Opset}");
        }
        var ceil = c.Proto.GetInt("ceil_mode", 0) != 0;
        if (ceil && c.Opset < ceilSince) throw c.Unsupported($"ceil_mode needs {op}-{ceilSince}; the model imports opset {c.Opset}");
        if (op == "MaxPool" && c.Proto.GetInt("storage_order", 0) is not (0 or 1)) throw c.Fail("storage_order must be 0 or 1");

        var spatial = SpatialWindow.OutputSpatial(c, x[2..], kernel, ceil);
        long[] dims = [x[0], x[1], .. spatial];
        c.SetOutput(0, c.ElemType(0), dims);
        // Indices are flat positions into X (row- or column-major per storage_order): same shape as Y, int64.
        if (op == "MaxPool") c.SetOutput(1, ElementType.Int64, dims);
    }

    private static void Global(ShapeContext c)
    {
        var x = c.Dims(0);
        if (x.Length < 3) throw c.Fail($"X has rank {x.Length}; global pools need [N, C, spatial…]");
        c.SetOutput(0, c.ElemType(0), [x[0], x[1], .. SpatialWindow.Ones(x.Length - 2)]);
    }
}
