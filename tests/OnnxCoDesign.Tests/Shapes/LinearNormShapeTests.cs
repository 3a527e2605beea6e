using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using static OnnxCoDesign.Tests.Shapes.Attr;

namespace OnnxCoDesign.Tests.Shapes;

/// <summary>Gemm, MatMul and BatchNormalization (inference and training outputs), cross-checked against ORT.</summary>
public class LinearNormShapeTests
{
    [Theory]
    [InlineData(0, 0, new long[] { 7 })]
    [InlineData(1, 0, new long[] { 1, 7 })]
    [InlineData(0, 1, new long[] { 5, 1 })]
    [InlineData(1, 1, new long[] { })]
    public void Gemm_transposes_and_broadcasts_C_like_ort(int transA, int transB, long[] biasDims)
    {
        var a = transA == 1 ? new long[] { 3, 5 } : [5, 3];
        var b = transB == 1 ? new long[] { 7, 3 } : [3, 7];
        var g = new OpGraph(13).Input("a", a).Weight("b", b).Weight("c", biasDims)
            .Node("Gemm", ["a", "b", "c"], ["y"], I("transA", transA), I("transB", transB), F("alpha", 0.5f));
        g.AssertMatchesOrt();
        Assert.Equal([5L, 7], g.Dims("y"));
    }

    [Fact]
    public void Gemm_without_C_from_opset_11_matches_ort()
    {
        var g = new OpGraph(11).Input("a", 2, 64).Weight("b", 10, 64).Node("Gemm", ["a", "b"], ["y"], I("transB", 1));
        g.AssertMatchesOrt();
        Assert.Equal([2L, 10], g.Dims("y"));
    }

    [Fact]
    public void Gemm_rejects_mismatched_inner_dims_and_a_C_that_does_not_broadcast()
    {
        var inner = new OpGraph(13).Input("a", 2, 64).Weight("b", 32, 10).Node("Gemm", ["a", "b"], ["y"]);
        Assert.Equal(ErrorCodes.ShapeMismatch, Assert.Throws<CodesignException>(() => inner.Infer()).Code);
        var bias = new OpGraph(13).Input("a", 2, 64).Weight("b", 64, 10).Weight("c", 3, 10).Node("Gemm", ["a", "b", "c"], ["y"]);
        Assert.Equal(ErrorCodes.ShapeMismatch, Assert.Throws<CodesignException>(() => bias.Infer()).Code);
    }

    [Theory]
    [InlineData(new long[] { 4, 5 }, new long[] { 5, 6 }, new long[] { 4, 6 })]
    [InlineData(new long[] { 5 }, new long[] { 5, 6 }, new long[] { 6 })]
    [InlineData(new long[] { 4, 5 }, new long[] { 5 }, new long[] { 4 })]
    [InlineData(new long[] { 5 }, new long[] { 5 }, new long[] { })]
    [InlineData(new long[] { 2, 3, 4, 5 }, new long[] { 5, 6 }, new long[] { 2, 3, 4, 6 })]
    [InlineData(new long[] { 2, 1, 4, 5 }, new long[] { 3, 5, 6 }, new long[] { 2, 3, 4, 6 })]
    [InlineData(new long[] { 5 }, new long[] { 2, 3, 5, 6 }, new long[] { 2, 3, 6 })]
    public void MatMul_follows_numpy_semantics_like_ort(long[] a, long[] b, long[] expected)
    {
        var g = new OpGraph(13).Input("a", a).Input("b", b).Node("MatMul", ["a", "b"], ["y"]);
        g.AssertMatchesOrt();
        Assert.Equal(expected, g.Dims("y"));
    }

    [Fact]
    public void MatMul_batch_dims_that_do_not_broadcast_fail()
    {
        var g = new OpGraph(13).Input("a", 2, 4, 5).Input("b", 3, 5, 6).Node("MatMul", ["a", "b"], ["y"]);
        Assert.Equal(ErrorCodes.ShapeMismatch, Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(14)]
    [InlineData(15)]
    public void BatchNormalization_inference_matches_ort(int opset)
    {
        var g = BatchNorm(opset).Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], F("epsilon", 1e-3f));
        g.AssertMatchesOrt();
        Assert.Equal([2L, 4, 5, 6], g.Dims("y"));
    }

    [Theory]
    [InlineData(1L, true)]
    [InlineData(0L, false)]
    [InlineData(2L, false)]
    public void BatchNormalization_before_9_is_per_channel_only_for_spatial_1_as_ort_reads_it(long spatial, bool perChannel)
    {
        // [C] parameters fit spatial=1 only; ONNX Runtime treats any other value as per activation ([C, H, W]).
        var g = BatchNorm(8).Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], I("spatial", spatial));
        if (perChannel)
        {
            g.AssertMatchesOrt();
            return;
        }
        var e = Assert.Throws<CodesignException>(() => g.Infer());
        Assert.Equal(ErrorCodes.ShapeMismatch, e.Code);
        Assert.Contains($"with spatial={spatial} it must be X's shape without the batch, [4,5,6]", e.Message);
        Assert.True(Loading.Checking.CheckedModels.OrtFails(g.Model), "ONNX Runtime runs the per-activation BN with [C] parameters");
    }

    [Fact]
    public void BatchNormalization_per_activation_before_9_takes_parameters_shaped_like_x_without_the_batch()
    {
        var g = new OpGraph(8).Input("x", 2, 4, 5, 6).Weight("s", 4, 5, 6).Weight("b", 4, 5, 6).Weight("m", 4, 5, 6).Init(Tensors.Float("v", [4, 5, 6], Enumerable.Repeat(1f, 120).ToArray()))
            .Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], I("spatial", 0));
        g.AssertMatchesOrt();
        Assert.Equal([2L, 4, 5, 6], g.Dims("y"));
    }

    [Theory]
    [InlineData(14)]
    [InlineData(15)]
    public void BatchNormalization_training_outputs_from_opset_14_are_per_channel(int opset)
    {
        var g = BatchNorm(opset).Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"], I("training_mode", 1));
        var result = g.AssertMatchesOrt();
        Assert.Equal([2L, 4, 5, 6], result.Types["y"].Dims!);
        Assert.Equal([4L], result.Types["rm"].Dims!);
        Assert.Equal([4L], result.Types["rv"].Dims!);
        Assert.Equal(ElementType.Float, result.Types["rv"].ElemType);
    }

    [Fact]
    public void BatchNormalization_9_has_saved_mean_and_var_outputs()
    {
        var g = BatchNorm(9).Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "mean", "var", "saved_mean", "saved_var"]);
        var result = g.AssertMatchesOrt();
        foreach (var name in new[] { "mean", "var", "saved_mean", "saved_var" }) Assert.Equal([4L], result.Types[name].Dims!);
    }

    [Fact]
    public void BatchNormalization_14_rejects_saved_statistics_outputs()
    {
        var g = BatchNorm(14).Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv", "sm", "sv"], I("training_mode", 1));
        Assert.Equal(ErrorCodes.ShapeMismatch, Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    [Fact]
    public void BatchNormalization_parameters_must_match_channels()
    {
        var g = new OpGraph(13).Input("x", 1, 4, 3, 3).Weight("s", 4).Weight("b", 4).Weight("m", 3).Weight("v", 4)
            .Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"]);
        Assert.Equal(ErrorCodes.ShapeMismatch, Assert.Throws<CodesignException>(() => g.Infer()).Code);
    }

    private static OpGraph BatchNorm(int opset) =>
        new OpGraph(opset).Input("x", 2, 4, 5, 6).Weight("s", 4).Weight("b", 4).Weight("m", 4).Init(Ones("v", 4));

    private static Onnx.TensorProto Ones(string name, long n) => Tensors.Float(name, [n], Enumerable.Repeat(1f, (int)n).ToArray());
}
