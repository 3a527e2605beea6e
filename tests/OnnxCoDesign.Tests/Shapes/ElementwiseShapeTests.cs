using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>Activations, broadcasting arithmetic, Softmax, Identity, Dropout and Cast, cross-checked against ORT.</summary>
public class ElementwiseShapeTests
{
    [Theory]
    [InlineData("Relu", 9)]
    [InlineData("Relu", 14)]
    [InlineData("LeakyRelu", 9)]
    [InlineData("LeakyRelu", 16)]
    [InlineData("Sigmoid", 13)]
    [InlineData("HardSigmoid", 9)]
    [InlineData("HardSwish", 14)]
    [InlineData("Tanh", 13)]
    [InlineData("Identity", 9)]
    [InlineData("Identity", 21)]
    [InlineData("Softmax", 9)]
    [InlineData("Softmax", 13)]
    public void Unary_operators_keep_the_shape_like_ort(string op, int opset)
    {
        var g = new OpGraph(opset).Input("x", 2, 3, 4, 5).Node(op, ["x"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([2L, 3, 4, 5], g.Dims("y"));
    }

    [Theory]
    [InlineData(11, 1)]
    [InlineData(11, 3)]
    [InlineData(13, -1)]
    public void Softmax_axis_keeps_the_shape_like_ort(int opset, int axis)
    {
        var g = new OpGraph(opset).Input("x", 2, 3, 4, 5).Node("Softmax", ["x"], ["y"], I("axis", axis));
        g.AssertMatchesOrt();
        Assert.Equal([2L, 3, 4, 5], g.Dims("y"));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(16)]
    public void PRelu_with_per_channel_slope_matches_ort(int opset)
    {
        var g = new OpGraph(opset).Input("x", 2, 3, 4, 5).Weight("slope", 3, 1, 1).Node("PRelu", ["x", "slope"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([2L, 3, 4, 5], g.Dims("y"));
    }

    [Fact]
    public void Clip_6_takes_min_and_max_attributes()
    {
        var g = new OpGraph(6).Input("x", 1, 8, 3).Node("Clip", ["x"], ["y"], F("min", 0f), F("max", 6f));
        g.AssertMatchesOrt();
        Assert.Equal([1L, 8, 3], g.Dims("y"));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Clip_from_11_takes_min_and_max_inputs(int opset)
    {
        var g = new OpGraph(opset).Input("x", 1, 8, 3)
            .Init(Tensors.Float("lo", [], [0f])).Init(Tensors.Float("hi", [], [6f]))
            .Node("Clip", ["x", "lo", "hi"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([1L, 8, 3], g.Dims("y"));
        var maxOnly = new OpGraph(opset).Input("x", 1, 8, 3).Init(Tensors.Float("hi", [], [6f])).Node("Clip", ["x", "", "hi"], ["y"]);
        maxOnly.AssertMatchesOrt();
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    [InlineData("Pow")]
    public void Binary_arithmetic_broadcasts_like_ort(string op)
    {
        var g = new OpGraph(13).Input("a", 2, 1, 4, 1).Input("b", 3, 1, 5).Node(op, ["a", "b"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([2L, 3, 4, 5], g.Dims("y"));
    }

    [Theory]
    [InlineData("Sum", 9)]
    [InlineData("Max", 9)]
    [InlineData("Min", 12)]
    [InlineData("Sum", 13)]
    public void Variadic_operators_broadcast_all_inputs_like_ort(string op, int opset)
    {
        var g = new OpGraph(opset).Input("a", 3, 1).Input("b", 1, 4).Input("c", 2, 1, 1).Node(op, ["a", "b", "c"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal([2L, 3, 4], g.Dims("y"));
    }

    [Fact]
    public void Incompatible_broadcast_is_OCD1302()
    {
        var g = new OpGraph(13).Input("a", 2, 3).Input("b", 4, 3, 2).Node("Add", ["a", "b"], ["y"]);
        Assert.Equal("OCD1302", Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Theory]
    [InlineData(7, ElementType.Float)]
    [InlineData(10, ElementType.Bool)]
    public void Dropout_before_12_takes_ratio_attribute_and_types_the_mask(int opset, int maskType)
    {
        var g = new OpGraph(opset).Input("x", 3, 4).Node("Dropout", ["x"], ["y", "mask"], F("ratio", 0.2f));
        var result = g.AssertMatchesOrt();
        Assert.Equal([3L, 4], result.Types["mask"].Dims!);
        Assert.Equal(maskType, result.Types["mask"].ElemType);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(13)]
    public void Dropout_from_12_takes_ratio_and_training_mode_inputs(int opset)
    {
        var g = new OpGraph(opset).Input("x", 3, 4).Init(Tensors.Float("ratio", [], [0.3f]))
            .Init(new Onnx.TensorProto { Name = "training", DataType = ElementType.Bool, Int32Data = { 0 } })
            .Node("Dropout", ["x", "ratio", "training"], ["y", "mask"]);
        var result = g.AssertMatchesOrt();
        Assert.Equal(ElementType.Bool, result.Types["mask"].ElemType);
        var plain = new OpGraph(opset).Input("x", 3, 4).Node("Dropout", ["x"], ["y"]);
        plain.AssertMatchesOrt();
    }

    [Theory]
    [InlineData(9, ElementType.Int64)]
    [InlineData(13, ElementType.Float16)]
    [InlineData(19, ElementType.Int32)]
    [InlineData(21, ElementType.Bool)]
    public void Cast_changes_the_type_not_the_shape_like_ort(int opset, int to)
    {
        var g = new OpGraph(opset).Input("x", 2, 5).Node("Cast", ["x"], ["y"], I("to", to));
        var result = g.AssertMatchesOrt();
        Assert.Equal(to, result.Types["y"].ElemType);
        Assert.Equal([2L, 5], result.Types["y"].Dims!);
    }
}
