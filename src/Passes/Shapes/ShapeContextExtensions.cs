namespace OnnxCoDesign.Passes.Shapes;

internal static class ShapeContextExtensions
{
    public static string OpType(this ShapeContext c) => c.Node.OpType;
}
