using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Shapes;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>
/// The shape arithmetic PyTorch emits must fold to constants so that the Reshape, Expand or Resize it feeds gets
/// a concrete shape. Each chain is also run in ORT to confirm the final shape.
/// </summary>
public class ShapeFoldingTests
{
    private const long Max = long.MaxValue;

    /// <summary>x.view(x.size(0), -1): Shape → Gather(0) → Unsqueeze → Concat(·, [-1]) → Reshape.</summary>
    private static OpGraph ViewBatchFlat(OpGraph g)
    {
        var unsqueeze = g.Opset >= 13
            ? g.Ints("zero_axis", 0).Node("Unsqueeze", ["n", "zero_axis"], ["n1"])
            : g.Node("Unsqueeze", ["n"], ["n1"], Is("axes", 0));
        return unsqueeze
            .Node("Constant", [], ["minus_one"], T("value", Tensors.Int64("m", [1], [-1])))
            .Node("Concat", ["n1", "minus_one"], ["shape"], I("axis", 0))
            .Node("Reshape", ["x", "shape"], ["y"])
            .Outputs("y", "shape");
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(17)]
    public void View_batch_by_minus_one_folds_to_a_concrete_reshape(int opset)
    {
        var g = ViewBatchFlat(new OpGraph(opset).Input("x", 3, 4, 5, 6)
            .Node("Shape", ["x"], ["s"]).Scalar("zero", 0).Node("Gather", ["s", "zero"], ["n"], I("axis", 0)));
        var result = g.AssertMatchesOrt();
        Assert.Equal([3L, 4, 5, 6], result.Constants["s"].Ints!);
        Assert.Equal([3L], result.Constants["n"].Ints!);
        Assert.Equal([], result.Constants["n"].Dims);
        Assert.Equal([3L], result.Constants["n1"].Ints!);
        Assert.Equal([3L, -1], result.Constants["shape"].Ints!);
        Assert.Equal([3L, 120], result.Types["y"].Dims!);
    }

    [Fact]
    public void View_batch_by_minus_one_follows_a_bound_symbolic_batch()
    {
        var g = ViewBatchFlat(new OpGraph(13).SymbolicInput("x", "batch", "4", "5", "6")
            .Node("Shape", ["x"], ["s"]).Scalar("zero", 0).Node("Gather", ["s", "zero"], ["n"], I("axis", 0)));
        var result = g.Infer(new ShapeBindings().Add("batch", 7));
        Assert.Equal([7L, 120], result.Types["y"].Dims!);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void Slice_over_shape_folds_into_reshape(int opset)
    {
        // x.view(*x.shape[:2], -1)
        var g = new OpGraph(opset).Input("x", 2, 3, 4, 5).Node("Shape", ["x"], ["s"]);
        g = opset >= 10
            ? g.Ints("st", 0).Ints("en", 2).Node("Slice", ["s", "st", "en"], ["head"])
            : g.Node("Slice", ["s"], ["head"], Is("starts", 0), Is("ends", 2));
        g.Ints("minus_one", -1).Node("Concat", ["head", "minus_one"], ["shape"], I("axis", 0)).Node("Reshape", ["x", "shape"], ["y"]);
        var result = g.AssertMatchesOrt();
        Assert.Equal([2L, 3, -1], result.Constants["shape"].Ints!);
        Assert.Equal([2L, 3, 20], result.Types["y"].Dims!);
    }

    [Fact]
    public void Interpolate_scale_factor_sizes_fold_through_cast_mul_floor()
    {
        // F.interpolate(x, scale_factor=2) as exported at opset 11: sizes = Concat(shape[:2], Floor(float(shape[2:]) * 2)).
        var g = new OpGraph(11).Input("x", 1, 3, 5, 7).Node("Shape", ["x"], ["s"])
            .Ints("z", 0).Ints("two", 2).Ints("end", Max)
            .Node("Slice", ["s", "z", "two"], ["nc"])
            .Node("Slice", ["s", "two", "end"], ["hw"])
            .Node("Cast", ["hw"], ["hwf"], I("to", ElementType.Float))
            .Floats("scale", 2f, 2f).Node("Mul", ["hwf", "scale"], ["scaled"])
            .Node("Floor", ["scaled"], ["floored"])
            .Node("Cast", ["floored"], ["hwi"], I("to", ElementType.Int64))
            .Node("Concat", ["nc", "hwi"], ["sizes"], I("axis", 0))
            .Init(Tensors.Float("empty", [0], []))
            .Node("Resize", ["x", "empty", "empty", "sizes"], ["y"], S("mode", "nearest"))
            .Outputs("y", "sizes");
        var result = g.AssertMatchesOrt();
        Assert.Equal([1L, 3, 10, 14], result.Constants["sizes"].Ints!);
        Assert.Equal([1L, 3, 10, 14], result.Types["y"].Dims!);
    }

    [Fact]
    public void Expand_with_minus_one_folds_through_constant_of_shape_equal_and_where()
    {
        // x.expand(2, -1, -1) as TorchScript exports it: Where(shape == -1, 1, shape).
        var g = new OpGraph(13).Input("x", 1, 3, 4)
            .Node("Constant", [], ["target"], T("value", Tensors.Int64("t", [3], [2, -1, -1])))
            .Node("Shape", ["target"], ["len"])
            .Node("ConstantOfShape", ["len"], ["ones"], T("value", Tensors.Int64("one", [1], [1])))
            .Scalar("minus", -1).Node("Mul", ["ones", "minus"], ["neg"])
            .Node("Equal", ["target", "neg"], ["is_free"])
            .Node("Where", ["is_free", "ones", "target"], ["shape"])
            .Node("Expand", ["x", "shape"], ["y"])
            .Outputs("y", "shape");
        var result = g.AssertMatchesOrt();
        Assert.Equal([2L, 1, 1], result.Constants["shape"].Ints!);
        Assert.Equal([2L, 3, 4], result.Types["y"].Dims!);
    }

    [Fact]
    public void Squeeze_identity_transpose_and_split_carry_known_values()
    {
        var g = new OpGraph(13).Input("x", 6, 4, 1)
            .Node("Shape", ["x"], ["s"])
            .Node("Identity", ["s"], ["s2"])
            .Ints("split", 1, 2).Node("Split", ["s2", "split"], ["first", "rest"])
            .Ints("axis0", 0).Node("Squeeze", ["first", "axis0"], ["n"])
            .Node("Unsqueeze", ["n", "axis0"], ["n1"])
            .Node("Concat", ["rest", "n1"], ["shape"], I("axis", 0))
            .Node("Reshape", ["x", "shape"], ["y"])
            .Outputs("y", "rest", "n");
        var result = g.AssertMatchesOrt();
        Assert.Equal([4L, 1], result.Constants["rest"].Ints!);
        Assert.Equal([6L], result.Constants["n"].Ints!);
        Assert.Equal([4L, 1, 6], result.Types["y"].Dims!);
    }

    [Fact]
    public void Transpose_and_range_over_shape_values_fold()
    {
        var g = new OpGraph(13).Input("x", 2, 5)
            .Node("Shape", ["x"], ["s"]).Scalar("one", 1).Node("Gather", ["s", "one"], ["w"])
            .Scalar("zero", 0).Node("Range", ["zero", "w", "one"], ["r"])
            .Ints("rs", 1, 5).Node("Reshape", ["r", "rs"], ["row"])
            .Node("Transpose", ["row"], ["col"])
            .Outputs("col");
        var result = g.AssertMatchesOrt();
        Assert.Equal([0L, 1, 2, 3, 4], result.Constants["col"].Ints!);
        Assert.Equal([5L, 1], result.Types["col"].Dims!);
    }

    [Fact]
    public void Integer_cast_folds_with_truncation_and_wrapping()
    {
        var g = new OpGraph(13).Init(Tensors.Float("f", [3], [2.7f, -2.7f, 0f]))
            .Node("Cast", ["f"], ["i"], I("to", ElementType.Int32))
            .Node("Cast", ["i"], ["b"], I("to", ElementType.Bool))
            .Outputs("i", "b");
        var result = g.AssertMatchesOrt();
        Assert.Equal([2L, -2, 0], result.Constants["i"].Ints!);
        Assert.Equal([1L, 1, 0], result.Constants["b"].Ints!);
    }
}
