using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Shapes.Rules;

/// <summary>
/// QuantizeLinear and DequantizeLinear (the quantize pass writes them): the output has the input's shape.
/// QuantizeLinear's type is its zero point's (uint8 when there is none); DequantizeLinear's is its scale's.
/// </summary>
internal static class QuantizeRules
{
    public static void Register(Dictionary<string, ShapeRule> table)
    {
        table["QuantizeLinear"] = c => c.SetOutput(0, c.HasInput(2) ? c.ElemType(2) : ElementType.UInt8, c.Input(0).Dims);
        table["DequantizeLinear"] = c => c.SetOutput(0, c.ElemType(1), c.Input(0).Dims);
    }
}
