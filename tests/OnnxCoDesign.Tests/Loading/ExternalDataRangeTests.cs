using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>The keys of an external-data reference, and offset and length against the file and the tensor's size.</summary>
public sealed class ExternalDataRangeTests : IDisposable
{
    private const int WeightSize = 16 * 3 * 3 * 3 * 4;
    private readonly ScratchDirectory _dir = new();

    public ExternalDataRangeTests() => _dir.Write(ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);

    public void Dispose() => _dir.Dispose();

    private string ModelWith(params (string Key, string Value)[] extra) =>
        ExternalWeightModel.Write(_dir, [("location", ExternalWeightModel.DataFile), .. extra]);

    [Fact]
    public void AcceptsExplicitOffsetAndLengthCoveringTheWholeFile()
    {
        using var loaded = ModelLoader.Load(ModelWith(("offset", "0"), ("length", $"{WeightSize}"), ("checksum", "ignored")));
        Assert.Equal(ExternalWeightModel.WeightBytes, loaded.ExternalData.Read(loaded.Model.Graph.Initializer[0]));
    }

    [Fact]
    public void ReadsTheRangeInsideALargerFile()
    {
        var padded = new byte[100].Concat(ExternalWeightModel.WeightBytes).Concat(new byte[37]).ToArray();
        _dir.Write("padded.bin", padded);
        using var loaded = ModelLoader.Load(ExternalWeightModel.Write(_dir, ("location", "padded.bin"), ("offset", "100"), ("length", $"{WeightSize}")));
        Assert.Equal(TinyModels.Wave(16 * 3 * 3 * 3, 0.2f), TensorValues.AsFloat(loaded.Model.Graph.Initializer[0], loaded.ExternalData));
    }

    [Fact]
    public void RefusesUnknownKey()
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataUnknownKey, ModelWith(("basepath", "/etc")));
        Assert.Contains("'basepath'", e.Message);
        Assert.Contains("'W'", e.Message);
    }

    [Theory]
    [InlineData("Location")]
    [InlineData("")]
    [InlineData("offset ")]
    public void RefusesKeysThatOnlyLookLikeSpecKeys(string key) =>
        Refusal.ExpectLoad(ErrorCodes.ExternalDataUnknownKey, ModelWith((key, "0")));

    [Fact]
    public void RefusesNegativeOffset()
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataRange, ModelWith(("offset", "-4"), ("length", $"{WeightSize}")));
        Assert.Contains("negative external-data offset", e.Message);
    }

    [Fact]
    public void RefusesNegativeLength()
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataRange, ModelWith(("length", "-1")));
        Assert.Contains("negative external-data length", e.Message);
    }

    [Theory]
    [InlineData(WeightSize + 1, null)]
    [InlineData(WeightSize, null)]
    [InlineData(long.MaxValue, null)]
    [InlineData(WeightSize + 8, 4L)]
    public void RefusesOffsetPastEndOfFile(long offset, long? length)
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataRange,
            length is { } l ? ModelWith(("offset", $"{offset}"), ("length", $"{l}")) : ModelWith(("offset", $"{offset}")));
        Assert.Contains("'W'", e.Message);
    }

    [Theory]
    [InlineData(0, WeightSize + 4)]
    [InlineData(4, WeightSize)]
    [InlineData(1, long.MaxValue)]
    [InlineData(long.MaxValue, long.MaxValue)]
    public void RefusesLengthPastEndOfFile(long offset, long length)
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataRange, ModelWith(("offset", $"{offset}"), ("length", $"{length}")));
        Assert.Contains($"'{ExternalWeightModel.DataFile}'", e.Message);
    }

    [Theory]
    [InlineData(0, WeightSize - 4)]
    [InlineData(4, WeightSize - 4)]
    [InlineData(0, 0)]
    public void RefusesLengthThatDoesNotMatchTensorSize(long offset, long length)
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataRange, ModelWith(("offset", $"{offset}"), ("length", $"{length}")));
        Assert.Contains($"needs {WeightSize} bytes", e.Message);
    }

    [Fact]
    public void RefusesFileLargerThanTensorWhenNoLengthIsGiven()
    {
        _dir.Write(ExternalWeightModel.DataFile, [.. ExternalWeightModel.WeightBytes, 0, 0, 0, 0]);
        Refusal.ExpectLoad(ErrorCodes.ExternalDataRange, ModelWith());
    }

    [Theory]
    [InlineData("offset", "zero")]
    [InlineData("offset", "1e3")]
    [InlineData("length", "0x10")]
    [InlineData("offset", "+0")]
    [InlineData("offset", " 0")]
    [InlineData("length", "99999999999999999999999")]
    public void RefusesNumberThatIsNotAnInteger(string key, string value)
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataMalformed, ModelWith((key, value)));
        Assert.Contains($"'{value}'", e.Message);
    }

    [Fact]
    public void RefusesTensorWhoseDimensionsOverflow()
    {
        // 2^32 · 2^32 elements wrap to 0 in 64-bit arithmetic; an empty data file must not "match" that.
        var model = TinyModels.ConvRelu();
        var w = ExternalWeightModel.MakeExternal(model.Graph.Initializer[0], ("location", "empty.bin"));
        w.Dims.Clear();
        w.Dims.AddRange([1L << 32, 1L << 32]);
        _dir.Write("empty.bin", []);
        Refusal.ExpectLoad(ErrorCodes.ExternalDataRange, _dir.Write("overflow.onnx", Google.Protobuf.MessageExtensions.ToByteArray(model)));
    }

    [Fact]
    public void LoadingValidatesButDoesNotReadTheBytes()
    {
        // Garbage of the right size passes loading: the loader checks references, it does not read weights.
        var garbage = Enumerable.Repeat((byte)0xFF, WeightSize).ToArray();
        _dir.Write(ExternalWeightModel.DataFile, garbage);
        using var loaded = ModelLoader.Load(ModelWith());
        Assert.Equal(garbage, loaded.ExternalData.Read(loaded.Model.Graph.Initializer[0]));
        Assert.All(TensorValues.AsFloat(loaded.Model.Graph.Initializer[0], loaded.ExternalData), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void ReadsTheBytesPresentWhenAskedNotWhenLoaded()
    {
        using var loaded = ModelLoader.Load(ModelWith());
        var changed = ExternalWeightModel.WeightBytes.Select(b => (byte)~b).ToArray();
        File.WriteAllBytes(_dir.File(ExternalWeightModel.DataFile), changed);
        Assert.Equal(changed, loaded.ExternalData.Read(loaded.Model.Graph.Initializer[0]));
    }
}
