using Google.Protobuf;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>A weight whose stored bytes do not match its dims is refused when the model is loaded.</summary>
public sealed class TensorSizeTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(12)]     // short of the 16 bytes [1,4] float needs
    [InlineData(20)]     // longer
    [InlineData(8192)]   // long enough to be left in the file until read
    public void RefusesRawDataOfTheWrongSize(int bytes)
    {
        var model = BadModels.WithExternalWeight("unused");
        var w = model.Graph.Initializer[0];
        w.ExternalData.Clear();
        w.DataLocation = Onnx.TensorProto.Types.DataLocation.Default;
        w.RawData = ByteString.CopyFrom(new byte[bytes]);
        var path = _dir.File("m.onnx");
        BadModels.Write(model, path);
        var e = Assert.Throws<CodesignException>(() => ModelLoader.Load(path));
        Assert.Equal(ErrorCodes.TensorDataSize, e.Code);
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void RefusesATensorWithDimsButNoData()
    {
        var model = BadModels.WithExternalWeight("unused");
        var w = model.Graph.Initializer[0];
        w.ExternalData.Clear();
        w.DataLocation = Onnx.TensorProto.Types.DataLocation.Default;
        var path = _dir.File("m.onnx");
        BadModels.Write(model, path);
        Assert.Equal(ErrorCodes.TensorDataSize, Assert.Throws<CodesignException>(() => ModelLoader.Load(path)).Code);
    }
}
