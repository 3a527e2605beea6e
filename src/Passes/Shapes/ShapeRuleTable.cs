using OnnxCoDesign.Passes.Shapes.Rules;

namespace OnnxCoDesign.Passes.Shapes;

/// <summary>A shape rule: sets the outputs of one node from its inputs and attributes.</summary>
public delegate void ShapeRule(ShapeContext context);

/// <summary>
/// Which rule infers which operator of the default ONNX domain. The table is data, listed in one place;
/// each rule family lives in its own file under Rules/.
/// </summary>
public static class ShapeRuleTable
{
    private static readonly Dictionary<string, ShapeRule> Rules = Build();

    public static IReadOnlyCollection<string> Operators => Rules.Keys;

    public static ShapeRule? Find(string opType) => Rules.GetValueOrDefault(opType);

    private static Dictionary<string, ShapeRule> Build()
    {
        var table = new Dictionary<string, ShapeRule>(StringComparer.Ordinal);
        ElementwiseRules.Register(table);
        ConvRules.Register(table);
        PoolRules.Register(table);
        LinearRules.Register(table);
        NormalizationRules.Register(table);
        ConstantRules.Register(table);
        ReshapeRules.Register(table);
        IndexingRules.Register(table);
        ConcatSplitRules.Register(table);
        ResizeRules.Register(table);
        PadRules.Register(table);
        ReduceRules.Register(table);
        DropoutRules.Register(table);
        QuantizeRules.Register(table);
        return table;
    }
}
