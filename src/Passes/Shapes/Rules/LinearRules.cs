using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Gemm: Y[M, N] = alpha·A'·B' + beta·C, with A' = transA ? Aᵀ : A of [M, K] and B' = transB ? Bᵀ : B of [K, N];
///   C (optional from opset 11) broadcasts unidirectionally to [M, N].
/// MatMul (numpy matmul): A[…, M, K] · B[…, K, N] = Y[broadcast(…), M, N]; a 1-D A is promoted to [1, K]
///   and a 1-D B to [K, 1], and the promoted axis is removed from the result.
/// </summary>
internal static class LinearRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["Gemm"] = Gemm;
        table["MatMul"] = MatMul;
    }

    private static void Gemm(ShapeContext c)
    {
        var a = c.Dims(0);
        var b = c.Dims(1);
        if (a.Length != 2 || b.Length != 2) throw c.Fail($"A has rank {a.Length} and B rank {b.Length}; Gemm needs 2-D operands");
        var transA = c.Proto.GetInt("transA", 0) != 0;
        var transB = c.Proto.GetInt("transB", 0) != 0;
        var (m, ka) = transA ? (a[1], a[0]) : (a[0], a[1]);
        var (kb, n) = transB ? (b[1], b[0]) : (b[0], b[1]);
        if (ka >= 0 && kb >= 0 && ka != kb) throw c.Fail($"inner dimensions differ: A' is [{m},{ka}] and B' is [{kb},{n}]");
        long[] y = [m, n];
        if (c.HasInput(2))
        {
            // Unidirectional: C may stretch to Y, never Y to C.
            var bias = c.Dims(2);
            var merged = Broadcast.Shape([y, bias]);
            if (bias.Length > 2 || merged is null || (Folding.Known(y) && !merged.SequenceEqual(y)))
            {
                throw c.Fail($"C of shape {Folding.Text(bias)} does not broadcast to Y [{m},{n}]");
            }
        }
        else if (c.Opset < 11)
        {
            throw c.Fail("C is required before Gemm-11");
        }
        c.SetOutput(0, c.ElemType(0), y);
    }

    private static void MatMul(ShapeContext c)
    {
        var a = c.Dims(0);
        var b = c.Dims(1);
        if (a.Length == 0 || b.Length == 0) throw c.Fail("MatMul operands must have rank at least 1");
        long[] a2 = a.Length == 1 ? [1, a[0]] : a;
        long[] b2 = b.Length == 1 ? [b[0], 1] : b;
        var k1 = a2[^1];
        var k2 = b2[^2];
        if (k1 >= 0 && k2 >= 0 && k1 != k2) throw c.Fail($"inner dimensions differ: {Folding.Text(a)} · {Folding.Text(b)}");
        var batch = Broadcast.Shape([a2[..^2], b2[..^2]])
            ?? throw c.Fail($"batch dimensions of {Folding.Text(a)} and {Folding.Text(b)} do not broadcast");
        var dims = new List<long>(batch);
        if (a.Length > 1) dims.Add(a2[^2]);
        if (b.Length > 1) dims.Add(b2[^1]);
        c.SetOutput(0, c.ElemType(0), dims.ToArray());
    }
}
