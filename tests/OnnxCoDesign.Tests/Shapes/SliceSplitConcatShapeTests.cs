using OnnxCoDesign.Passes.Diagnostics;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>Slice, Split and Concat across their attribute-to-input changes, cross-checked against ORT.</summary>
public class SliceSplitConcatShapeTests
{
    private const long Max = long.MaxValue;
    private const long Min = long.MinValue;

    [Fact]
    public void Slice_9_takes_attributes_and_clamps_like_ort()
    {
        var g = new OpGraph(9).Input("x", 4, 10, 6)
            .Node("Slice", ["x"], ["y"], Is("starts", 1, -4), Is("ends", Max, 1000), Is("axes", 1, 2));
        g.AssertMatchesOrt();
        Assert.Equal([4L, 9, 4], g.Dims("y"));
        var noAxes = new OpGraph(9).Input("x", 4, 10, 6).Node("Slice", ["x"], ["y"], Is("starts", 0, 2), Is("ends", 2, -1));
        noAxes.AssertMatchesOrt();
        Assert.Equal([2L, 7, 6], noAxes.Dims("y"));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(13)]
    public void Slice_from_10_takes_inputs_with_steps_like_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 4, 10, 6)
            .Ints("starts", 1, 0).Ints("ends", Max, -1).Ints("axes", -2, 0).Ints("steps", 3, 2)
            .Node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([2L, 3, 6], g.Dims("y"));
    }

    [Theory]
    [InlineData(-1, Min, -1, 10)]
    [InlineData(Max, Min, -2, 5)]
    [InlineData(8, 2, -3, 2)]
    [InlineData(-3, -20, -1, 8)]
    [InlineData(2, 8, -1, 0)]
    [InlineData(Min, Max, 1, 10)]
    [InlineData(20, 30, 1, 0)]
    public void Slice_negative_steps_and_int64_sentinels_match_ort(long start, long end, long step, long expected)
    {
        var g = new OpGraph(13).Input("x", 3, 10).Ints("starts", start).Ints("ends", end).Ints("axes", 1).Ints("steps", step)
            .Node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([3L, expected], g.Dims("y"));
    }

    [Fact]
    public void Slice_with_runtime_starts_leaves_the_sliced_axes_unknown()
    {
        var g = new OpGraph(13).Input("x", 3, 10, 5).TypedInput("starts", Passes.IR.ElementType.Int64, 1).Ints("ends", 4).Ints("axes", 1)
            .Node("Slice", ["x", "starts", "ends", "axes"], ["y"]);
        Assert.Equal([3L, -1, 5], g.Dims("y"));
    }

    [Fact]
    public void Split_11_takes_split_attribute_or_splits_equally_like_ort()
    {
        var g = new OpGraph(11).Input("x", 2, 6, 3).Node("Split", ["x"], ["a", "b"], I("axis", 1), Is("split", 2, 4));
        var result = g.AssertMatchesOrt();
        Assert.Equal([2L, 2, 3], result.Types["a"].Dims!);
        Assert.Equal([2L, 4, 3], result.Types["b"].Dims!);
        var equal = new OpGraph(11).Input("x", 2, 6, 3).Node("Split", ["x"], ["a", "b", "c"], I("axis", -2));
        Assert.Equal([2L, 2, 3], equal.AssertMatchesOrt().Types["c"].Dims!);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(18)]
    public void Split_from_13_takes_split_input_like_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 2, 6, 3).Ints("split", 1, 1, 4).Node("Split", ["x", "split"], ["a", "b", "c"], I("axis", 1));
        var result = g.AssertMatchesOrt();
        Assert.Equal([2L, 4, 3], result.Types["c"].Dims!);
        // Without split, Split-13 divides equally; from 18 one of split and num_outputs is required.
        var equal = new OpGraph(opset).Input("x", 2, 6, 3).Node("Split", ["x"], ["a", "b"], I("axis", 1));
        if (opset < 18) Assert.Equal([2L, 3, 3], equal.AssertMatchesOrt().Types["b"].Dims!);
        else Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => equal.Infer()).Code);
    }

    [Theory]
    [InlineData(8, 3, new long[] { 3, 3, 2 })]
    [InlineData(9, 3, new long[] { 3, 3, 3 })]
    [InlineData(7, 4, new long[] { 2, 2, 2, 1 })]
    public void Split_18_num_outputs_makes_a_smaller_last_chunk_like_ort(long dim, int count, long[] expected)
    {
        var outputs = Enumerable.Range(0, count).Select(i => $"y{i}").ToArray();
        var g = new OpGraph(18).Input("x", 2, dim).Node("Split", ["x"], outputs, I("axis", 1), I("num_outputs", count));
        var result = g.AssertMatchesOrt();
        Assert.Equal(expected, outputs.Select(o => result.Types[o].Dims![1]).ToArray());
    }

    [Fact]
    public void Split_that_does_not_add_up_fails()
    {
        var g = new OpGraph(13).Input("x", 2, 6).Ints("split", 2, 2).Node("Split", ["x", "split"], ["a", "b"], I("axis", 1));
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Theory]
    [InlineData(9, 1)]
    [InlineData(11, -2)]
    [InlineData(13, 1)]
    public void Concat_sums_the_axis_like_ort(int opset, int axis)
    {
        var g = new OpGraph(opset).Input("a", 2, 3, 4).Input("b", 2, 5, 4).Input("c", 2, 1, 4).Node("Concat", ["a", "b", "c"], ["y"], I("axis", axis));
        g.AssertMatchesOrt();
        Assert.Equal([2L, 9, 4], g.Dims("y"));
    }

    [Fact]
    public void Concat_rejects_mismatch_off_the_axis_and_negative_axis_before_11()
    {
        var mismatch = new OpGraph(13).Input("a", 2, 3).Input("b", 3, 3).Node("Concat", ["a", "b"], ["y"], I("axis", 1));
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => mismatch.Infer()).Code);
        var negative = new OpGraph(9).Input("a", 2, 3).Input("b", 2, 3).Node("Concat", ["a", "b"], ["y"], I("axis", -1));
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => negative.Infer()).Code);
    }
}
