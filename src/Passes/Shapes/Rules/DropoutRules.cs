using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// Dropout: output has the input's shape and type; the optional mask has the same shape, typed T before
/// opset 10 and bool from 10. The ratio is an attribute before 12 and an optional scalar input from 12, next
/// to an optional training_mode input; neither changes a shape.
/// </summary>
internal static class DropoutRules
{
    public static void Register(Dictionary<string, ShapeRule> table) => table["Dropout"] = Dropout;

    private static void Dropout(ShapeContext c)
    {
        var x = c.Input(0);
        var ratio = c.Opset < 12 ? c.Proto.GetFloat("ratio", 0.5f) : c.Const(1) is { Count: 1 } r ? (float)r.Real(0) : 0.5f;
        if (c.Opset >= 12 && c.HasInput(1) && c.Dims(1).Length != 0) throw c.Fail("ratio must be a scalar");
        if (ratio is < 0 or >= 1) throw c.Fail($"ratio {ratio} is outside [0, 1)");
        c.SetOutput(0, x);
        c.SetOutput(1, c.Opset < 10 ? x.ElemType : ElementType.Bool, x.Dims);
    }
}
