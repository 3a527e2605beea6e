using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Tests.Building;

public class OnnxModelBuilderTests
{
    [Fact]
    public void Builds_a_runnable_model_with_producer_opset_and_ir()
    {
        var b = new OnnxModelBuilder("tiny")
            .Input("x", ElementType.Float, "batch", 4)
            .Initializer("w", new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 2, 4)
            .Initializer("shape", new long[] { -1, 1, 2 }, 3);
        var y = b.Node("Gemm", ["x", "w"], NodeAttributes.Int("transB", 1));
        var z = b.Node("Reshape", [y, "shape"], ["z"])[0];
        b.Output(z, ElementType.Float, "batch", 1L, 2L);
        var model = b.Build();

        Assert.Equal("OnnxCoDesign.Builder", model.ProducerName);
        Assert.Equal(7, model.IrVersion);
        Assert.Equal(("", 13L), (model.OpsetImport[0].Domain, model.OpsetImport[0].Version));
        Assert.Equal("Gemm_0", model.Graph.Node[0].Name);
        Assert.Equal("batch", model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);

        var output = Assert.Single(OrtRunner.Run(model));
        Assert.Equal([1L, 1, 2], output.Shape);
    }

    [Fact]
    public void Weights_are_little_endian_raw_data()
    {
        var t = new OnnxModelBuilder().Initializer("w", new[] { 1f, -2f }, 2).Initializers[0];
        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0 }, t.RawData.ToByteArray());
        Assert.Empty(t.FloatData);
        var i = new OnnxModelBuilder().Initializer("i", new[] { 258L }, 1).Initializers[0];
        Assert.Equal(new byte[] { 2, 1, 0, 0, 0, 0, 0, 0 }, i.RawData.ToByteArray());
        Assert.Equal(ElementType.Int64, i.DataType);
    }

    [Fact]
    public void Fresh_names_skip_taken_ones()
    {
        var b = new OnnxModelBuilder().Input("conv_0", ElementType.Float, 1);
        Assert.Equal("conv_1", b.Fresh("conv"));
        Assert.Equal("conv_2", b.Fresh("conv"));
        Assert.Equal("relu_0", b.Fresh("relu"));
    }

    [Fact]
    public void Rejects_duplicate_and_undefined_tensors_and_bad_shapes()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1);
        Assert.Throws<InvalidOperationException>(() => b.Input("x", ElementType.Float, 1));
        Assert.Throws<InvalidOperationException>(() => b.Node("Relu", ["nope"]));
        Assert.Throws<InvalidOperationException>(() => b.Output("nope"));
        Assert.Throws<ArgumentException>(() => b.Initializer("w", new float[3], 2, 2));
    }

    [Fact]
    public void Output_without_shape_has_only_a_type()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 2);
        b.Output(b.Node("Relu", ["x"]));
        var output = b.Build().Graph.Output[0];
        Assert.Equal(ElementType.Float, output.Type.TensorType.ElemType);
        Assert.Null(output.Type.TensorType.Shape);
    }

    [Fact]
    public void Initializers_can_be_listed_as_inputs_with_their_shapes()
    {
        var b = new OnnxModelBuilder(opset: 8) { InitializersAsInputs = true }
            .Input("x", ElementType.Float, 2)
            .Initializer("w", new[] { 1f, 2f }, 2);
        b.Output(b.Node("Add", ["x", "w"]));
        var model = b.Build();
        Assert.Equal(3, model.IrVersion);
        Assert.Equal(["x", "w"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(2, model.Graph.Input[1].Type.TensorType.Shape.Dim[0].DimValue);
        // Only x is fed (OrtRunner skips listed initializers); it draws x from seed 42.
        var x = new WeightGenerator(42).Uniform(2, -1, 1);
        var y = Assert.Single(OrtRunner.Run(model)).Data;
        Assert.Equal(x[0] + 1f, y[0], 6);
        Assert.Equal(x[1] + 2f, y[1], 6);
    }
}
