using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>Resize, Upsample, Pad and the reductions across their version changes, cross-checked against ORT.</summary>
public class ResizePadReduceShapeTests
{
    private static readonly Onnx.TensorProto EmptyFloats = Tensors.Float("empty", [0], []);

    [Fact]
    public void Resize_10_floors_input_times_scales_like_ort()
    {
        var g = new OpGraph(10).Input("x", 1, 3, 5, 7).Floats("scales", 1f, 1f, 2f, 1.5f).Node("Resize", ["x", "scales"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([1L, 3, 10, 10], g.Dims("y"));
    }

    [Fact]
    public void Resize_11_takes_roi_scales_and_sizes_like_ort()
    {
        var scales = new OpGraph(11).Input("x", 1, 3, 5, 7).Init(EmptyFloats).Floats("scales", 1f, 1f, 0.5f, 2.2f)
            .Node("Resize", ["x", "empty", "scales"], ["y"]);
        scales.AssertMatchesOrt();
        Assert.Equal([1L, 3, 2, 15], scales.Dims("y"));
        // Resize-11 requires the scales input; an empty one means "use sizes".
        var sizes = new OpGraph(11).Input("x", 1, 3, 5, 7).Init(EmptyFloats).Ints("sizes", 1, 3, 9, 11)
            .Node("Resize", ["x", "empty", "empty", "sizes"], ["y"]);
        sizes.AssertMatchesOrt();
        Assert.Equal([1L, 3, 9, 11], sizes.Dims("y"));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(18)]
    [InlineData(19)]
    public void Resize_from_13_omits_roi_and_scales_like_ort(int opset)
    {
        var scales = new OpGraph(opset).Input("x", 2, 4, 6, 6).Floats("scales", 1f, 1f, 3f, 3f).Node("Resize", ["x", "", "scales"], ["y"], S("mode", "nearest"));
        scales.AssertMatchesOrt();
        Assert.Equal([2L, 4, 18, 18], scales.Dims("y"));
        var sizes = new OpGraph(opset).Input("x", 2, 4, 6, 6).Ints("sizes", 2, 4, 12, 7).Node("Resize", ["x", "", "", "sizes"], ["y"], S("mode", "linear"));
        sizes.AssertMatchesOrt();
        Assert.Equal([2L, 4, 12, 7], sizes.Dims("y"));
    }

    [Fact]
    public void Resize_18_axes_cover_a_subset_of_the_dims_like_ort()
    {
        var g = new OpGraph(18).Input("x", 1, 3, 5, 7).Floats("scales", 2f, 0.5f).Node("Resize", ["x", "", "scales"], ["y"], Is("axes", 2, -1));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 3, 10, 3], g.Dims("y"));
    }

    [Theory]
    [InlineData("stretch", 10, 10)]
    [InlineData("not_larger", 7, 10)]
    [InlineData("not_smaller", 10, 14)]
    public void Resize_18_keep_aspect_ratio_policy_matches_ort(string policy, long h, long w)
    {
        var g = new OpGraph(18).Input("x", 1, 3, 5, 7).Ints("sizes", 10, 10)
            .Node("Resize", ["x", "", "", "sizes"], ["y"], Is("axes", 2, 3), S("keep_aspect_ratio_policy", policy));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 3, h, w], g.Dims("y"));
    }

    [Fact]
    public void Resize_with_runtime_scales_leaves_dims_unknown()
    {
        var g = new OpGraph(13).Input("x", 1, 3, 5, 7).Input("scales", 4).Node("Resize", ["x", "", "scales"], ["y"]);
        Assert.Equal([-1L, -1, -1, -1], g.Dims("y"));
    }

    [Fact]
    public void Upsample_9_takes_scales_input_like_ort()
    {
        var g = new OpGraph(9).Input("x", 1, 2, 4, 5).Floats("scales", 1f, 1f, 2f, 3f).Node("Upsample", ["x", "scales"], ["y"], S("mode", "nearest"));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 2, 8, 15], g.Dims("y"));
    }

    [Fact]
    public void Upsample_7_takes_scales_attribute_like_ort()
    {
        var g = new OpGraph(7).Input("x", 1, 2, 4, 5).Node("Upsample", ["x"], ["y"], Fs("scales", 1f, 1f, 2f, 2f));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 2, 8, 10], g.Dims("y"));
    }

    [Fact]
    public void Pad_2_takes_pads_and_value_attributes_like_ort()
    {
        var g = new OpGraph(2).Input("x", 1, 3, 4, 5).Node("Pad", ["x"], ["y"], Is("pads", 0, 0, 1, 2, 0, 0, 1, -1), F("value", 1f));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 3, 6, 6], g.Dims("y"));
    }

    [Theory]
    [InlineData(11, "constant")]
    [InlineData(13, "reflect")]
    [InlineData(18, "edge")]
    public void Pad_from_11_takes_pads_input_like_ort(int opset, string mode)
    {
        var g = new OpGraph(opset).Input("x", 1, 3, 4, 5).Ints("pads", 0, 0, 1, 2, 0, 0, 3, 0).Init(Tensors.Float("v", [], [0f]))
            .Node("Pad", mode == "constant" ? ["x", "pads", "v"] : ["x", "pads"], ["y"], S("mode", mode));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 3, 8, 7], g.Dims("y"));
    }

    [Fact]
    public void Pad_18_axes_input_pads_a_subset_like_ort()
    {
        var g = new OpGraph(18).Input("x", 1, 3, 4, 5).Ints("pads", 1, 2, 3, 4).Ints("axes", 2, -1)
            .Node("Pad", ["x", "pads", "", "axes"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([1L, 3, 8, 11], g.Dims("y"));
    }

    [Fact]
    public void Pad_with_runtime_pads_leaves_the_padded_dims_unknown()
    {
        var g = new OpGraph(18).Input("x", 1, 3, 4, 5).TypedInput("pads", ElementType.Int64, 2).Ints("axes", 1)
            .Node("Pad", ["x", "pads", "", "axes"], ["y"]);
        Assert.Equal([1L, -1, 4, 5], g.Dims("y"));
    }

    [Theory]
    [InlineData(9, 1, new long[] { 2, 1, 4 })]
    [InlineData(13, 1, new long[] { 2, 1, 4 })]
    [InlineData(13, 0, new long[] { 2, 4 })]
    public void ReduceMean_before_18_takes_axes_attribute_like_ort(int opset, int keep, long[] expected)
    {
        var g = new OpGraph(opset).Input("x", 2, 3, 4).Node("ReduceMean", ["x"], ["y"], Is("axes", -2), I("keepdims", keep));
        g.AssertMatchesOrt();
        Assert.Equal(expected, g.Dims("y"));
        var all = new OpGraph(opset).Input("x", 2, 3, 4).Node("ReduceMean", ["x"], ["y"], I("keepdims", keep));
        all.AssertMatchesOrt();
    }

    [Theory]
    [InlineData(18)]
    [InlineData(21)]
    public void ReduceMean_from_18_takes_axes_input_and_noop_with_empty_axes_like_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 2, 3, 4).Ints("axes", 0, 2).Node("ReduceMean", ["x", "axes"], ["y"], I("keepdims", 0));
        g.AssertMatchesOrt();
        Assert.Equal([3L], g.Dims("y"));
        var all = new OpGraph(opset).Input("x", 2, 3, 4).Node("ReduceMean", ["x"], ["y"], I("keepdims", 0));
        all.AssertMatchesOrt();
        Assert.Equal([], all.Dims("y"));
        var noop = new OpGraph(opset).Input("x", 2, 3, 4).Node("ReduceMean", ["x"], ["y"], I("noop_with_empty_axes", 1));
        noop.AssertMatchesOrt();
        Assert.Equal([2L, 3, 4], noop.Dims("y"));
    }

    [Fact]
    public void ReduceSum_takes_axes_input_from_13_and_ArgMax_is_int64_like_ort()
    {
        var sum = new OpGraph(13).Input("x", 2, 3, 4).Ints("axes", 1).Node("ReduceSum", ["x", "axes"], ["y"]);
        sum.AssertMatchesOrt();
        Assert.Equal([2L, 1, 4], sum.Dims("y"));
        var max = new OpGraph(13).Input("x", 2, 3, 4).Node("ArgMax", ["x"], ["y"], I("axis", -1), I("keepdims", 0));
        var result = max.AssertMatchesOrt();
        Assert.Equal([2L, 3], result.Types["y"].Dims!);
    }
}
