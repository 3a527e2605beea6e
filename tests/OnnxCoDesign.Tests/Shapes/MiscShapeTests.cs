using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>Coverage of the rule table, the smaller extra rules, and folding corner cases.</summary>
public class MiscShapeTests
{
    [Fact]
    public void Every_operator_the_compiler_promises_has_a_rule()
    {
        string[] required =
        {
            "Conv", "ConvTranspose", "Gemm", "MatMul", "BatchNormalization", "Relu", "LeakyRelu", "PRelu", "Sigmoid",
            "HardSigmoid", "HardSwish", "Tanh", "Clip", "Add", "Sub", "Mul", "Div", "Pow", "Sum", "Max", "Min", "Concat",
            "Split", "Slice", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Resize", "Upsample", "MaxPool",
            "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "Softmax", "Gather", "Shape", "Constant",
            "ConstantOfShape", "Identity", "Dropout", "Pad", "Cast", "Expand", "Range",
        };
        var missing = required.Where(op => ShapeRuleTable.Find(op) is null).ToList();
        Assert.True(missing.Count == 0, "no rule for " + string.Join(", ", missing));
    }

    [Fact]
    public void PRelu_slope_that_would_grow_X_fails()
    {
        var g = new OpGraph(13).Input("x", 2, 3).Weight("slope", 4, 2, 3).Node("PRelu", ["x", "slope"], ["y"]);
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Fact]
    public void LayerNormalization_statistics_keep_the_leading_axes_like_ort()
    {
        var g = new OpGraph(17).Input("x", 2, 3, 8).Weight("scale", 8).Node("LayerNormalization", ["x", "scale"], ["y", "mean", "inv"]);
        var result = g.AssertMatchesOrt();
        Assert.Equal([2L, 3, 1], result.Types["mean"].Dims!);
    }

    [Fact]
    public void LpPool_GlobalLpPool_ArgMin_Size_and_CastLike_match_ort()
    {
        var lp = new OpGraph(13).Input("x", 1, 2, 9, 9).Node("LpPool", ["x"], ["y"], Is("kernel_shape", 3, 3), Is("strides", 3, 3));
        lp.AssertMatchesOrt();
        Assert.Equal([1L, 2, 3, 3], lp.Dims("y"));
        new OpGraph(13).Input("x", 1, 2, 9, 9).Node("GlobalLpPool", ["x"], ["y"]).AssertMatchesOrt();
        new OpGraph(13).Input("x", 4, 5).Node("ArgMin", ["x"], ["y"], I("axis", 1)).AssertMatchesOrt();
        var size = new OpGraph(13).Input("x", 4, 5).Node("Size", ["x"], ["n"]).AssertMatchesOrt();
        Assert.Equal([20L], size.Constants["n"].Ints!);
        new OpGraph(15).Input("x", 4, 5).Ints("like", 1).Node("CastLike", ["x", "like"], ["y"]).AssertMatchesOrt();
    }

    [Fact]
    public void Concat_folds_along_an_inner_axis()
    {
        var g = new OpGraph(13).Init(Tensors.Int64("a", [2, 2], [1, 2, 3, 4])).Init(Tensors.Int64("b", [2, 1], [5, 6]))
            .Node("Concat", ["a", "b"], ["y"], I("axis", 1));
        var result = g.AssertMatchesOrt();
        Assert.Equal([1L, 2, 5, 3, 4, 6], result.Constants["y"].Ints!);
        Assert.Equal([2L, 3], result.Types["y"].Dims!);
    }

    [Fact]
    public void Slice_with_negative_step_reverses_a_folded_shape()
    {
        var g = new OpGraph(13).Input("x", 2, 3, 4).Node("Shape", ["x"], ["s"])
            .Ints("st", -1).Ints("en", long.MinValue).Ints("ax", 0).Ints("step", -1)
            .Node("Slice", ["s", "st", "en", "ax", "step"], ["r"]);
        Assert.Equal([4L, 3, 2], g.AssertMatchesOrt().Constants["r"].Ints!);
    }

    [Fact]
    public void Unknown_operator_outputs_are_not_guessed()
    {
        var g = new OpGraph(13).Input("x", 2, 3).Node("NonZero", ["x"], ["nz"]).Node("Shape", ["nz"], ["s"]);
        Assert.Equal(ErrorCodes.UnknownOperatorShapeNeeded, Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Fact]
    public void Squeeze_without_axes_of_an_unknown_dim_leaves_the_rank_unknown()
    {
        var g = new OpGraph(13).Input("x", 1, 3).TypedInput("shape", ElementType.Int64, 2)
            .Node("Reshape", ["x", "shape"], ["r"]).Node("Squeeze", ["r"], ["y"]);
        Assert.Null(g.Infer().Types["y"].Dims);
    }
}
