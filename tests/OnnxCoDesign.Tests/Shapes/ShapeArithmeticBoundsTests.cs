using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Shapes;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>
/// Shape arithmetic is checked: values past int64 are OCD1307 naming the node, tensors past the 2^40-byte
/// bound OCD1308, out-of-range window attributes OCD1302; never a wrapped number. Each refusal is paired with
/// the nearest legal case, which still infers.
/// </summary>
public sealed class ShapeArithmeticBoundsTests
{
    private const long TwoTo62 = 1L << 62;

    private static CodesignException Refused(OpGraph g, ShapeBindings? bindings = null) =>
        Assert.Throws<CodesignException>(() => g.Infer(bindings));

    private static OpGraph Conv(params Onnx.AttributeProto[] attributes) =>
        new OpGraph(13).Input("x", 1, 3, 8, 8).Weight("w", 4, 3, 3, 3).Node("Conv", ["x", "w"], ["y"], attributes);

    [Fact]
    public void ConvPadsOfInt64MinAreRefusedNotWrappedToZero()
    {
        var e = Refused(Conv(Is("pads", long.MinValue, 0, long.MinValue, 0)));
        Assert.Equal(ErrorCodes.ShapeMismatch, e.Code);
        Assert.Contains("pads", e.Message);
        Assert.Contains("must not be negative", e.Message);
        Assert.Equal([1L, 4, 6, 6], Conv(Is("pads", 0, 0, 0, 0)).Dims("y"));
    }

    [Fact]
    public void ConvPadsWhoseSumPassesInt64AreAnOverflowNamingTheNode()
    {
        var e = Refused(Conv(Is("pads", TwoTo62, TwoTo62, TwoTo62, TwoTo62)));
        Assert.Equal(ErrorCodes.ArithmeticOverflow, e.Code);
        Assert.StartsWith("node 'Conv_0' (Conv): ", e.Message);
    }

    [Fact]
    public void ConvPadsThatFitInt64ButMakeAnOutputPastTheBoundAreTooLarge()
    {
        var e = Refused(Conv(Is("pads", 1L << 30, 1L << 30, 1L << 30, 1L << 30)));
        Assert.Equal(ErrorCodes.TensorTooLarge, e.Code);
        Assert.Contains("tensor 'y' of node 'Conv_0' (Conv)", e.Message);
        // Pads of 2^30 make a [1, 4, 2^31+6, 2^31+6] float output, about 2^66 bytes; pads of 2^16 about 2^38, under the bound.
        Assert.Equal([1L, 4, (1L << 17) + 6, (1L << 17) + 6], Conv(Is("pads", 1L << 16, 1L << 16, 1L << 16, 1L << 16)).Dims("y"));
    }

    [Theory]
    [InlineData("strides", 0L)]
    [InlineData("dilations", 0L)]
    [InlineData("kernel_shape", 0L)]
    [InlineData("strides", -1L)]
    [InlineData("dilations", long.MinValue)]
    public void ZeroOrNegativeWindowAttributesAreShapeErrors(string attribute, long value)
    {
        var e = Refused(Conv(Is(attribute, value, 1)));
        Assert.Equal(ErrorCodes.ShapeMismatch, e.Code);
        Assert.Contains(attribute.Replace("kernel_shape", "kernel"), e.Message);
    }

    [Fact]
    public void GroupZeroIsAShapeErrorNotADivisionByZero()
    {
        Assert.Equal(ErrorCodes.ShapeMismatch, Refused(Conv(I("group", 0))).Code);
        Assert.Equal([1L, 4, 6, 6], Conv(I("group", 1)).Dims("y"));
    }

    [Fact]
    public void KernelLargerThanTheInputIsAShapeError()
    {
        var g = new OpGraph(13).Input("x", 1, 3, 2, 2).Weight("w", 4, 3, 3, 3).Node("Conv", ["x", "w"], ["y"]);
        Assert.Equal(ErrorCodes.ShapeMismatch, Refused(g).Code);
        var padded = new OpGraph(13).Input("x", 1, 3, 2, 2).Weight("w", 4, 3, 3, 3).Node("Conv", ["x", "w"], ["y"], Is("pads", 1, 1, 1, 1));
        Assert.Equal([1L, 4, 2, 2], padded.Dims("y"));
    }

    [Fact]
    public void ConvTransposePadsThatRemoveMoreThanTheWindowAreRefused()
    {
        OpGraph Deconv(long pad) => new OpGraph(13).Input("x", 1, 4, 5, 5).Weight("w", 4, 2, 3, 3)
            .Node("ConvTranspose", ["x", "w"], ["y"], Is("strides", 2, 2), Is("pads", pad, pad, pad, pad));
        Assert.Equal(ErrorCodes.ShapeMismatch, Refused(Deconv(10)).Code);
        Assert.Equal(ErrorCodes.ShapeMismatch, Refused(Deconv(-1)).Code);
        Assert.Equal(ErrorCodes.ArithmeticOverflow, Refused(new OpGraph(13).Input("x", 1, 4, 5, 5).Weight("w", 4, 2, 3, 3)
            .Node("ConvTranspose", ["x", "w"], ["y"], Is("strides", TwoTo62, TwoTo62))).Code);
        Assert.Equal([1L, 2, 9, 9], Deconv(1).Dims("y"));
    }

    [Fact]
    public void AnInputDimensionOf2To62IsPastTheTensorBound()
    {
        var e = Refused(new OpGraph(13).Input("x", TwoTo62, 3).Node("Relu", ["x"], ["y"]));
        Assert.Equal(ErrorCodes.TensorTooLarge, e.Code);
        Assert.StartsWith("input 'x' would be float[4611686018427387904,3] = 55340232221128654848 bytes", e.Message);
    }

    [Fact]
    public void ABatchBindingPastTheBoundIsRefusedAndOneJustUnderItInfers()
    {
        // x is [batch, 4, 8, 8] float: 1 KiB per sample, so 2^30 samples are exactly 2^40 bytes.
        OpGraph G() => new OpGraph(13).SymbolicInput("x", "batch", "4", "8", "8").Node("Relu", ["x"], ["y"]);
        var e = Refused(G(), new ShapeBindings().Add("batch", (1L << 30) + 1));
        Assert.Equal(ErrorCodes.TensorTooLarge, e.Code);
        Assert.Contains("input 'x'", e.Message);
        Assert.Equal(TensorBounds.MaxBytes, G().Infer(new ShapeBindings().Add("batch", 1L << 30)).Types["y"].Bytes);
    }

    [Fact]
    public void AReshapeTargetWhoseElementCountPassesInt64IsAnOverflow()
    {
        var g = new OpGraph(13).Input("x", 2, 4).Ints("s", TwoTo62, 8).Node("Reshape", ["x", "s"], ["y"]);
        var e = Refused(g);
        Assert.Equal(ErrorCodes.ArithmeticOverflow, e.Code);
        Assert.StartsWith("node 'Reshape_0' (Reshape): ", e.Message);
    }

    [Fact]
    public void ConstantOfShapePastTheBoundIsRefusedBeforeAnythingIsAllocated()
    {
        var g = new OpGraph(13).Ints("s", TwoTo62, 2).Node("ConstantOfShape", ["s"], ["y"]);
        Assert.Equal(ErrorCodes.TensorTooLarge, Refused(g).Code);
        Assert.Equal([3L, 2], new OpGraph(13).Ints("s", 3, 2).Node("ConstantOfShape", ["s"], ["y"]).Dims("y"));
    }

    [Fact]
    public void ARankReadFromAHugeShapeVectorIsAShapeErrorNotAnAllocation()
    {
        // The shape's values are unknown (a runtime input), so only its length, 2^36, gives the rank.
        var g = new OpGraph(13).Input("x", 2, 4).TypedInput("s", Passes.IR.ElementType.Int64, 1L << 36).Node("Reshape", ["x", "s"], ["y"]);
        Assert.Equal(ErrorCodes.ShapeMismatch, Refused(g).Code);
    }

    [Fact]
    public void SliceWithAnInt64MinStepTakesOneElementWithoutOverflow()
    {
        var g = new OpGraph(13).Input("x", 10, 3).Ints("starts", -1).Ints("ends", long.MinValue).Ints("axes", 0).Ints("steps", long.MinValue)
            .Node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"]);
        Assert.Equal([1L, 3], g.Dims("y"));
        var forward = new OpGraph(13).Input("x", 10, 3).Ints("starts", 0).Ints("ends", long.MaxValue).Ints("axes", 0).Ints("steps", long.MaxValue)
            .Node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"]);
        Assert.Equal([1L, 3], forward.Dims("y"));
    }

    [Fact]
    public void ANegativeResizeScaleIsRefused()
    {
        OpGraph G(float scale) => new OpGraph(13).Input("x", 1, 2, 4, 4).Floats("roi").Floats("scales", 1, 1, scale, scale)
            .Node("Resize", ["x", "roi", "scales"], ["y"]);
        Assert.Equal(ErrorCodes.ShapeMismatch, Refused(G(-2)).Code);
        Assert.Equal([1L, 2, 8, 8], G(2).Dims("y"));
    }

    [Fact]
    public void IntegerShapeArithmeticThatLeavesInt64StaysUnfolded()
    {
        var g = new OpGraph(13).Ints("a", long.MaxValue).Ints("b", 2).Node("Mul", ["a", "b"], ["y"]);
        var result = g.Infer();
        Assert.Equal([1L], result.Types["y"].Dims!);
        Assert.False(result.Constants.ContainsKey("y"));
        var fits = new OpGraph(13).Ints("a", 1L << 61).Ints("b", 2).Node("Mul", ["a", "b"], ["y"]).Infer();
        Assert.Equal([1L << 62], fits.Constants["y"].Ints!);
    }
}
