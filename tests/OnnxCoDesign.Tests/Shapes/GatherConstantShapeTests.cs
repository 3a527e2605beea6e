using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>Gather, Shape, Constant, ConstantOfShape and Range: shapes cross-checked against ORT, values folded.</summary>
public class GatherConstantShapeTests
{
    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void Gather_replaces_the_axis_with_the_indices_shape_like_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 5, 6, 7).TypedInput("i", ElementType.Int64, 2, 3)
            .Node("Gather", ["x", "i"], ["y"], I("axis", 1));
        g.AssertMatchesOrt();
        Assert.Equal([5L, 2, 3, 7], g.Dims("y"));
        var scalar = new OpGraph(opset).Input("x", 5, 6, 7).Scalar("i", -1).Node("Gather", ["x", "i"], ["y"], I("axis", -1));
        scalar.AssertMatchesOrt();
        Assert.Equal([5L, 6], scalar.Dims("y"));
    }

    [Fact]
    public void Gather_folds_known_data_with_negative_indices()
    {
        var g = new OpGraph(13).Ints("data", 10, 20, 30, 40).Ints("i", -1, 0, -3).Node("Gather", ["data", "i"], ["y"]);
        var result = g.AssertMatchesOrt();
        Assert.Equal([40L, 10, 20], result.Constants["y"].Ints!);
        var matrix = new OpGraph(13).Init(Tensors.Int64("m", [2, 3], [1, 2, 3, 4, 5, 6])).Ints("i", 2, -3)
            .Node("Gather", ["m", "i"], ["y"], I("axis", 1));
        Assert.Equal([3L, 1, 6, 4], matrix.Infer().Constants["y"].Ints!);
    }

    [Fact]
    public void Gather_index_out_of_range_fails()
    {
        var g = new OpGraph(13).Input("x", 4, 2).Scalar("i", 4).Node("Gather", ["x", "i"], ["y"]);
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Theory]
    [InlineData(9, 0, 4, new long[] { 2, 3, 4, 5 })]
    [InlineData(13, 0, 4, new long[] { 2, 3, 4, 5 })]
    [InlineData(15, 1, 4, new long[] { 3, 4, 5 })]
    [InlineData(15, -2, 4, new long[] { 4, 5 })]
    [InlineData(15, 1, -1, new long[] { 3, 4 })]
    [InlineData(19, -10, 2, new long[] { 2, 3 })]
    [InlineData(21, 3, 1, new long[] { })]
    public void Shape_with_start_and_end_folds_and_matches_ort(int opset, long start, long end, long[] expected)
    {
        var attributes = opset >= 15 ? new[] { I("start", start), I("end", end) } : [];
        var g = new OpGraph(opset).Input("x", 2, 3, 4, 5).Node("Shape", ["x"], ["s"], attributes);
        var result = g.AssertMatchesOrt();
        Assert.Equal([(long)expected.Length], result.Types["s"].Dims!);
        Assert.Equal(ElementType.Int64, result.Types["s"].ElemType);
        Assert.Equal(expected, result.Constants["s"].Ints!);
    }

    [Fact]
    public void Constant_value_tensor_is_typed_and_folded()
    {
        var g = new OpGraph(9).Node("Constant", [], ["c"], T("value", Tensors.Int64("v", [2, 2], [1, 2, 3, 4])));
        var result = g.AssertMatchesOrt();
        Assert.Equal([2L, 2], result.Types["c"].Dims!);
        Assert.Equal([1L, 2, 3, 4], result.Constants["c"].Ints!);
    }

    [Theory]
    [InlineData("value_float", ElementType.Float, new long[] { })]
    [InlineData("value_floats", ElementType.Float, new long[] { 3 })]
    [InlineData("value_int", ElementType.Int64, new long[] { })]
    [InlineData("value_ints", ElementType.Int64, new long[] { 3 })]
    public void Constant_12_value_attributes_match_ort(string attribute, int elemType, long[] dims)
    {
        var value = attribute switch
        {
            "value_float" => F(attribute, 2.5f),
            "value_floats" => Fs(attribute, 1f, 2f, 3f),
            "value_int" => I(attribute, 7),
            _ => Is(attribute, 7, 8, 9),
        };
        var g = new OpGraph(13).Node("Constant", [], ["c"], value);
        var result = g.AssertMatchesOrt();
        Assert.Equal(elemType, result.Types["c"].ElemType);
        Assert.Equal(dims, result.Types["c"].Dims!);
        Assert.NotNull(result.Constants["c"]);
    }

    [Fact]
    public void Constant_value_ints_before_12_is_unsupported()
    {
        var g = new OpGraph(11).Node("Constant", [], ["c"], Is("value_ints", 1, 2));
        Assert.Equal(ErrorCodes.UnsupportedAttribute, Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Fact]
    public void ConstantOfShape_defaults_to_float_zero_and_takes_a_typed_value()
    {
        var plain = new OpGraph(9).Ints("shape", 2, 3).Node("ConstantOfShape", ["shape"], ["y"]);
        var result = plain.AssertMatchesOrt();
        Assert.Equal(ElementType.Float, result.Types["y"].ElemType);
        Assert.Equal(new double[6], result.Constants["y"].Reals!);
        var typed = new OpGraph(13).Ints("shape", 4).Node("ConstantOfShape", ["shape"], ["y"], T("value", Tensors.Int64("v", [1], [7])));
        var folded = typed.AssertMatchesOrt();
        Assert.Equal(ElementType.Int64, folded.Types["y"].ElemType);
        Assert.Equal([7L, 7, 7, 7], folded.Constants["y"].Ints!);
    }

    [Fact]
    public void ConstantOfShape_of_a_runtime_shape_knows_the_rank()
    {
        var g = new OpGraph(13).TypedInput("shape", ElementType.Int64, 3).Node("ConstantOfShape", ["shape"], ["y"]);
        Assert.Equal([-1L, -1, -1], g.Dims("y"));
    }

    [Fact]
    public void Range_folds_integer_and_float_sequences_like_ort()
    {
        var ints = new OpGraph(11).Scalar("start", 10).Scalar("limit", 1).Scalar("delta", -3).Node("Range", ["start", "limit", "delta"], ["y"]);
        Assert.Equal([10L, 7, 4], ints.AssertMatchesOrt().Constants["y"].Ints!);
        var reals = new OpGraph(11).Init(Tensors.Float("start", [], [0f])).Init(Tensors.Float("limit", [], [1f])).Init(Tensors.Float("delta", [], [0.25f]))
            .Node("Range", ["start", "limit", "delta"], ["y"]);
        Assert.Equal([4L], reals.AssertMatchesOrt().Types["y"].Dims!);
    }
}
