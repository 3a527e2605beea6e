using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>Conv, ConvTranspose and the pools, each cross-checked against the shapes ONNX Runtime produces.</summary>
public class ConvPoolShapeTests
{
    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(21)]
    public void Conv_with_stride_pads_and_bias_matches_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 1, 3, 32, 30).Weight("w", 16, 3, 3, 3).Weight("b", 16)
            .Node("Conv", ["x", "w", "b"], ["y"], Is("strides", 2, 2), Is("pads", 1, 1, 1, 1));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 16, 16, 15], g.Dims("y"));
    }

    [Fact]
    public void Grouped_dilated_conv_matches_ort()
    {
        var g = new OpGraph(13).Input("x", 2, 8, 17, 16).Weight("w", 8, 2, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], I("group", 4), Is("dilations", 2, 2), Is("strides", 2, 2), Is("pads", 2, 2, 2, 2));
        g.AssertMatchesOrt();
        Assert.Equal([2L, 8, 9, 8], g.Dims("y"));
    }

    [Theory]
    [InlineData("SAME_UPPER")]
    [InlineData("SAME_LOWER")]
    public void Conv_with_same_auto_pad_matches_ort(string autoPad)
    {
        // ORT rejects dilations together with SAME padding, so this one is undilated.
        var g = new OpGraph(11).Input("x", 1, 3, 17, 10).Weight("w", 5, 3, 4, 4)
            .Node("Conv", ["x", "w"], ["y"], Is("strides", 2, 3), S("auto_pad", autoPad));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 5, 9, 4], g.Dims("y"));
    }

    [Fact]
    public void Conv_with_valid_padding_and_1d_input_matches_ort()
    {
        var g = new OpGraph(11).Input("x", 1, 4, 20).Weight("w", 6, 4, 5).Node("Conv", ["x", "w"], ["y"], S("auto_pad", "VALID"), Is("strides", 3));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 6, 6], g.Dims("y"));
    }

    [Fact]
    public void Conv_channel_mismatch_is_OCD1302()
    {
        var g = new OpGraph(13).Input("x", 1, 3, 8, 8).Weight("w", 16, 4, 3, 3).Node("Conv", ["x", "w"], ["y"]);
        var e = Assert.Throws<CodesignException>(() => g.Infer());
        Assert.Equal(ErrorCodes.ShapeMismatch, e.Code);
        Assert.Equal("OCD1302", e.Code);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void ConvTranspose_stride_2_with_output_padding_matches_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 1, 8, 7, 7).Weight("w", 8, 4, 3, 3)
            .Node("ConvTranspose", ["x", "w"], ["y"], Is("strides", 2, 2), Is("pads", 1, 1, 1, 1), Is("output_padding", 1, 1));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 4, 14, 14], g.Dims("y"));
    }

    [Fact]
    public void Grouped_ConvTranspose_with_output_shape_matches_ort()
    {
        var g = new OpGraph(13).Input("x", 1, 4, 5, 5).Weight("w", 4, 3, 4, 4)
            .Node("ConvTranspose", ["x", "w"], ["y"], I("group", 2), Is("strides", 2, 2), Is("output_shape", 11, 10));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 6, 11, 10], g.Dims("y"));
    }

    [Theory]
    [InlineData(9, 0)]
    [InlineData(10, 1)]
    [InlineData(12, 1)]
    [InlineData(21, 0)]
    public void MaxPool_with_and_without_ceil_mode_matches_ort(int opset, int ceil)
    {
        var attributes = new List<Onnx.AttributeProto> { Is("kernel_shape", 3, 3), Is("strides", 2, 2), Is("pads", 0, 0, 1, 1) };
        if (ceil == 1) attributes.Add(I("ceil_mode", 1));
        var g = new OpGraph(opset).Input("x", 1, 2, 12, 13).Node("MaxPool", ["x"], ["y"], attributes.ToArray());
        g.AssertMatchesOrt();
        Assert.Equal(ceil == 1 ? [1L, 2, 6, 7] : [1L, 2, 6, 6], g.Dims("y"));
    }

    [Fact]
    public void MaxPool_ceil_mode_drops_a_window_starting_in_the_padding()
    {
        // in 5, k 2, s 2, pad_end 1: ceil gives 3 windows, but the third would start at 6, past the input.
        var g = new OpGraph(13).Input("x", 1, 1, 6, 5).Node("MaxPool", ["x"], ["y"], Is("kernel_shape", 2, 2), Is("strides", 2, 2), Is("pads", 0, 0, 1, 1), I("ceil_mode", 1));
        g.AssertMatchesOrt();
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    public void MaxPool_indices_output_is_int64_and_matches_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 1, 3, 9, 9)
            .Node("MaxPool", ["x"], ["y", "idx"], Is("kernel_shape", 2, 2), Is("strides", 2, 2), I("storage_order", 1));
        var result = g.AssertMatchesOrt();
        Assert.Equal(ElementType.Int64, result.Types["idx"].ElemType);
        Assert.Equal([1L, 3, 4, 4], result.Types["idx"].Dims!);
    }

    [Fact]
    public void MaxPool_dilations_from_opset_10_match_ort()
    {
        var g = new OpGraph(12).Input("x", 1, 1, 10, 10).Node("MaxPool", ["x"], ["y"], Is("kernel_shape", 3, 3), Is("dilations", 2, 2));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 1, 6, 6], g.Dims("y"));
    }

    [Fact]
    public void MaxPool_dilations_before_opset_10_are_unsupported()
    {
        var g = new OpGraph(9).Input("x", 1, 1, 10, 10).Node("MaxPool", ["x"], ["y"], Is("kernel_shape", 3, 3), Is("dilations", 2, 2));
        Assert.Equal(ErrorCodes.UnsupportedAttribute, Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(11, true)]
    [InlineData(19, true)]
    public void AveragePool_count_include_pad_and_ceil_mode_match_ort(int opset, bool ceil)
    {
        var attributes = new List<Onnx.AttributeProto> { Is("kernel_shape", 3, 3), Is("strides", 2, 2), Is("pads", 1, 1, 1, 1), I("count_include_pad", 1) };
        if (ceil) attributes.Add(I("ceil_mode", 1));
        var g = new OpGraph(opset).Input("x", 2, 3, 14, 15).Node("AveragePool", ["x"], ["y"], attributes.ToArray());
        g.AssertMatchesOrt();
        Assert.Equal(ceil ? [2L, 3, 8, 8] : [2L, 3, 7, 8], g.Dims("y"));
    }

    [Fact]
    public void AveragePool_dilations_at_opset_19_match_ort()
    {
        var g = new OpGraph(19).Input("x", 1, 2, 11, 11).Node("AveragePool", ["x"], ["y"], Is("kernel_shape", 2, 2), Is("dilations", 3, 3));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 2, 8, 8], g.Dims("y"));
    }

    [Fact]
    public void AveragePool_dilations_before_opset_19_are_unsupported()
    {
        var g = new OpGraph(18).Input("x", 1, 2, 11, 11).Node("AveragePool", ["x"], ["y"], Is("kernel_shape", 2, 2), Is("dilations", 3, 3));
        Assert.Equal(ErrorCodes.UnsupportedAttribute, Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Theory]
    [InlineData("GlobalAveragePool", 9)]
    [InlineData("GlobalMaxPool", 13)]
    [InlineData("GlobalAveragePool", 21)]
    public void Global_pools_keep_batch_and_channels_and_match_ort(string op, int opset)
    {
        var g = new OpGraph(opset).Input("x", 2, 7, 5, 6).Node(op, ["x"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([2L, 7, 1, 1], g.Dims("y"));
    }
}
