using OnnxCoDesign.Passes.Diagnostics;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>Reshape, Flatten, Transpose, Squeeze, Unsqueeze and Expand, cross-checked against ORT.</summary>
public class ReshapeShapeTests
{
    [Theory]
    [InlineData(new long[] { 0, -1 }, new long[] { 2, 12 })]
    [InlineData(new long[] { -1 }, new long[] { 24 })]
    [InlineData(new long[] { 4, 0, -1 }, new long[] { 4, 3, 2 })]
    [InlineData(new long[] { 1, 2, 1, 12 }, new long[] { 1, 2, 1, 12 })]
    [InlineData(new long[] { 0, 0, 0 }, new long[] { 2, 3, 4 })]
    public void Reshape_copies_zeros_and_infers_minus_one_like_ort(long[] shape, long[] expected)
    {
        foreach (var opset in new[] { 9, 13, 14, 21 })
        {
            var g = new OpGraph(opset).Input("x", 2, 3, 4).Ints("shape", shape).Node("Reshape", ["x", "shape"], ["y"]);
            g.AssertMatchesOrt();
            Assert.Equal(expected, g.Dims("y"));
        }
    }

    [Fact]
    public void Reshape_allowzero_from_14_keeps_a_literal_zero_like_ort()
    {
        // A zero-size initializer: graph inputs with a 0 dim are rebound by ShapeInference, so the data is constant.
        var g = new OpGraph(14).Weight("x", 2, 0, 3).Ints("shape", 0, 5).Node("Reshape", ["x", "shape"], ["y"], I("allowzero", 1));
        g.AssertMatchesOrt();
        Assert.Equal([0L, 5], g.Dims("y"));
        var copying = new OpGraph(14).Weight("x", 2, 0, 3).Ints("shape", 0, 5).Node("Reshape", ["x", "shape"], ["y"]);
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => copying.Infer()).Code);
    }

    [Theory]
    [InlineData(new long[] { -1, -1 })]
    [InlineData(new long[] { 5, -1 })]
    [InlineData(new long[] { 2, 3, 5 })]
    public void Reshape_rejects_impossible_shapes(long[] shape)
    {
        var g = new OpGraph(13).Input("x", 2, 3, 4).Ints("shape", shape).Node("Reshape", ["x", "shape"], ["y"]);
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Fact]
    public void Reshape_refuses_a_minus_one_beside_dimensions_that_multiply_to_zero_as_ort_does()
    {
        var g = new OpGraph(13).Weight("x", 2, 0, 3).Ints("shape", -1, 0).Node("Reshape", ["x", "shape"], ["y"]);
        var e = Assert.Throws<CodesignException>(() => g.Infer());
        Assert.Equal("OCD1302", e.Code);
        Assert.Contains("multiply to 0", e.Message);
        Assert.True(Loading.Checking.CheckedModels.OrtFails(g.Model), "ONNX Runtime runs the reshape the tool refuses");
        // The same -1 beside nonzero dimensions is inferred (above); a literal 0 size with allowzero stays (above).
    }

    [Fact]
    public void Reshape_with_runtime_shape_knows_only_the_rank()
    {
        var g = new OpGraph(13).Input("x", 2, 3, 4).TypedInput("shape", Passes.IR.ElementType.Int64, 3).Node("Reshape", ["x", "shape"], ["y"]);
        Assert.Equal([-1L, -1, -1], g.Dims("y"));
    }

    [Theory]
    [InlineData(9, 0, new long[] { 1, 120 })]
    [InlineData(9, 2, new long[] { 6, 20 })]
    [InlineData(9, 4, new long[] { 120, 1 })]
    [InlineData(11, -1, new long[] { 24, 5 })]
    [InlineData(13, -4, new long[] { 1, 120 })]
    [InlineData(21, 1, new long[] { 2, 60 })]
    public void Flatten_matches_ort(int opset, int axis, long[] expected)
    {
        var g = new OpGraph(opset).Input("x", 2, 3, 4, 5).Node("Flatten", ["x"], ["y"], I("axis", axis));
        g.AssertMatchesOrt();
        Assert.Equal(expected, g.Dims("y"));
    }

    [Fact]
    public void Flatten_negative_axis_before_11_fails()
    {
        var g = new OpGraph(9).Input("x", 2, 3, 4).Node("Flatten", ["x"], ["y"], I("axis", -1));
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Fact]
    public void Transpose_defaults_to_reversed_axes_and_follows_perm_like_ort()
    {
        var reversed = new OpGraph(13).Input("x", 2, 3, 4).Node("Transpose", ["x"], ["y"]);
        reversed.AssertMatchesOrt();
        Assert.Equal([4L, 3, 2], reversed.Dims("y"));
        var perm = new OpGraph(9).Input("x", 2, 3, 4, 5).Node("Transpose", ["x"], ["y"], Is("perm", 0, 2, 3, 1));
        perm.AssertMatchesOrt();
        Assert.Equal([2L, 4, 5, 3], perm.Dims("y"));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    public void Squeeze_before_13_takes_axes_attribute_like_ort(int opset)
    {
        var axes = opset >= 11 ? Is("axes", 0, -2) : Is("axes", 0, 2);
        var g = new OpGraph(opset).Input("x", 1, 3, 1, 5).Node("Squeeze", ["x"], ["y"], axes);
        g.AssertMatchesOrt();
        Assert.Equal([3L, 5], g.Dims("y"));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(21)]
    public void Squeeze_from_13_takes_axes_input_like_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 1, 3, 1, 5).Ints("axes", 2).Node("Squeeze", ["x", "axes"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([1L, 3, 5], g.Dims("y"));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void Squeeze_without_axes_drops_every_size_one_dim_like_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 1, 3, 1, 5, 1).Node("Squeeze", ["x"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([3L, 5], g.Dims("y"));
    }

    [Fact]
    public void Squeeze_of_a_dim_that_is_not_one_fails()
    {
        var g = new OpGraph(13).Input("x", 1, 3).Ints("axes", 1).Node("Squeeze", ["x", "axes"], ["y"]);
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    public void Unsqueeze_before_13_takes_axes_attribute_like_ort(int opset)
    {
        var axes = opset >= 11 ? Is("axes", 0, -1) : Is("axes", 0, 3);
        var g = new OpGraph(opset).Input("x", 3, 4).Node("Unsqueeze", ["x"], ["y"], axes);
        g.AssertMatchesOrt();
        Assert.Equal([1L, 3, 4, 1], g.Dims("y"));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(21)]
    public void Unsqueeze_from_13_takes_axes_input_like_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 3, 4).Ints("axes", 2, 1).Node("Unsqueeze", ["x", "axes"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([3L, 1, 1, 4], g.Dims("y"));
    }

    [Theory]
    [InlineData(new long[] { 3, 1 }, new long[] { 2, 1, 4 }, new long[] { 2, 3, 4 })]
    [InlineData(new long[] { 3, 4 }, new long[] { 1, 1 }, new long[] { 3, 4 })]
    [InlineData(new long[] { 1 }, new long[] { 5 }, new long[] { 5 })]
    public void Expand_broadcasts_both_ways_like_ort(long[] input, long[] shape, long[] expected)
    {
        foreach (var opset in new[] { 9, 13 })
        {
            var g = new OpGraph(opset).Input("x", input).Ints("shape", shape).Node("Expand", ["x", "shape"], ["y"]);
            g.AssertMatchesOrt();
            Assert.Equal(expected, g.Dims("y"));
        }
    }

    [Fact]
    public void Expand_to_an_incompatible_shape_fails()
    {
        var g = new OpGraph(13).Input("x", 3, 2).Ints("shape", 3, 4).Node("Expand", ["x", "shape"], ["y"]);
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }
}
