using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// BatchNormalization: Y has X's shape [N, C, D…]; scale, B, mean and var are [C].
///   Optional outputs, per version: opset 9–13 mean, var, saved_mean, saved_var (all [C], type T);
///   opset 14+ running_mean, running_var ([C], typed as the mean input: U in 14, T2 from 15).
///   Before opset 9 a spatial=0 node takes per-activation parameters [C, D…]; they are not checked.
/// LayerNormalization (17): Y has X's shape; Mean and InvStdDev are X[:axis] + [1]·(rank−axis), of stash_type.
/// </summary>
internal static class NormalizationRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["BatchNormalization"] = BatchNormalization;
        table["LayerNormalization"] = LayerNormalization;
    }

    private static void BatchNormalization(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        if (dims.Length < 2) throw c.Fail($"X has rank {dims.Length}; BatchNormalization needs [N, C, …]");
        var channels = dims[1];
        // Before opset 9, spatial other than 1 normalises per activation (ONNX Runtime reads it so: spatial == 1).
        var perChannel = c.Opset >= 9 || c.Proto.GetInt("spatial", 1) == 1;
        if (perChannel)
        {
            string[] names = ["scale", "B", "mean", "var"];
            for (var i = 1; i <= 4; i++)
            {
                var p = c.Dims(i);
                if (p.Length != 1 || (channels >= 0 && p[0] >= 0 && p[0] != channels))
                {
                    throw c.Fail($"{names[i - 1]} has shape {Folding.Text(p)} but X has {channels} channels");
                }
            }
        }
        else
        {
            // Per activation: each parameter has X's shape without the batch dimension.
            var each = dims[1..];
            string[] names = ["scale", "B", "mean", "var"];
            for (var i = 1; i <= 4; i++)
            {
                var p = c.Dims(i);
                if (p.Length != each.Length || p.Where((d, k) => d >= 0 && each[k] >= 0 && d != each[k]).Any())
                {
                    throw c.Fail($"{names[i - 1]} has shape {Folding.Text(p)}; with spatial={c.Proto.GetInt("spatial", 1)} it must be X's shape without the batch, {Folding.Text(each)}");
                }
            }
        }
        c.SetOutput(0, x);
        // Running (or batch) statistics keep the statistics' own element type.
        long[] stat = [channels];
        c.SetOutput(1, c.ElemType(3), stat);
        c.SetOutput(2, c.ElemType(4), stat);
        if (c.Opset < 14)
        {
            // saved_mean and saved_var exist only before BatchNormalization-14 removed them.
            c.SetOutput(3, x.ElemType, stat);
            c.SetOutput(4, x.ElemType, stat);
        }
        else if (c.OutputCount > 3)
        {
            throw c.Fail($"BatchNormalization-14 and later have at most 3 outputs, this node has {c.OutputCount}");
        }
    }

    private static void LayerNormalization(ShapeContext c)
    {
        var x = c.Input(0);
        var dims = x.Dims ?? throw c.Fail("the rank of X is unknown");
        var axis = c.Axis(c.Proto.GetInt("axis", -1), dims.Length);
        c.SetOutput(0, x);
        long[] reduced = [.. dims[..axis], .. SpatialWindow.Ones(dims.Length - axis)];
        var stash = (int)c.Proto.GetInt("stash_type", 1);
        c.SetOutput(1, stash, reduced);
        c.SetOutput(2, stash, reduced);
    }
}
