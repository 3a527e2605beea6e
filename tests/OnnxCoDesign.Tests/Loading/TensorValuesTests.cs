using OnnxCoDesign.Tests.Support;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

public sealed class TensorValuesTests
{
    private static TensorProto Tensor(int type, params long[] dims)
    {
        var t = new TensorProto { Name = "t", DataType = type };
        t.Dims.AddRange(dims);
        return t;
    }

    [Theory]
    [InlineData(21, 5, 3)] // uint4
    [InlineData(22, 4, 2)] // int4
    [InlineData(23, 1, 1)] // float4e2m1
    [InlineData(ElementType.Float, 5, 20)]
    [InlineData(ElementType.Float16, 5, 10)]
    [InlineData(ElementType.Int64, 3, 24)]
    public void ByteCountPacksFourBitTypesTwoToAByte(int type, long elements, long bytes) =>
        Assert.Equal(bytes, TensorValues.ByteCount(Tensor(type, elements)));

    [Fact]
    public void ByteCountOfStringsIsUnknown() => Assert.Null(TensorValues.ByteCount(Tensor(ElementType.String, 2)));

    [Fact]
    public void ElementCountSaturatesInsteadOfWrapping()
    {
        Assert.Equal(long.MaxValue, TensorValues.ElementCount(Tensor(ElementType.Float, 1L << 32, 1L << 32)));
        Assert.Equal(long.MaxValue, TensorValues.ByteCount(Tensor(ElementType.Float, 1L << 62)));
        Assert.Equal(0, TensorValues.ElementCount(Tensor(ElementType.Float, 1L << 40, 1L << 40, 0)));
    }

    [Fact]
    public void ReadsFloatDataAndRawDataAlike()
    {
        var typed = Tensor(ElementType.Float, 3);
        typed.FloatData.AddRange([1.5f, -2f, 0.25f]);
        Assert.Equal([1.5f, -2f, 0.25f], TensorValues.AsFloat(typed));
        Assert.Equal(TinyModels.FloatTensor("r", [1.5f, -2f, 0.25f], 3).RawData.ToByteArray(), TensorValues.Bytes(typed).ToArray());
        Assert.Equal([1.5f, -2f, 0.25f], TensorValues.AsFloat(TinyModels.FloatTensor("r", [1.5f, -2f, 0.25f], 3)));
    }

    [Fact]
    public void LoadsExternalFourBitTensorOfPackedSize()
    {
        using var dir = new ScratchDirectory();
        dir.Write("q.bin", [0x21, 0x43, 0x05]);
        var model = TinyModels.ConvRelu();
        var q = ExternalWeightModel.MakeExternal(Tensor(21, 5), ("location", "q.bin"));
        q.Name = "Q";
        model.Graph.Initializer.Add(q);
        using var loaded = ModelLoader.Load(dir.Write("m.onnx", model.ToByteArray()));
        Assert.Equal([0x21, 0x43, 0x05], loaded.ExternalData.Read(loaded.Model.Graph.Initializer.Single(t => t.Name == "Q")));
    }
}
