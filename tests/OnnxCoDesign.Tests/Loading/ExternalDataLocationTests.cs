using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>Where an external-data location may point: inside the model's folder, by a relative path, and nowhere else.</summary>
public sealed class ExternalDataLocationTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static float[] Weights(LoadedModel loaded) =>
        TensorValues.AsFloat(loaded.Model.Graph.Initializer.Single(t => t.Name == "W"), loaded.ExternalData);

    [Theory]
    [InlineData("weights.bin")]
    [InlineData("./weights.bin")]
    [InlineData("sub/weights.bin")]
    [InlineData("sub/../weights.bin")]
    [InlineData("sub/deeper/weights.bin")]
    public void AcceptsRelativeLocationInsideModelFolder(string location)
    {
        _dir.Write(Path.GetRelativePath(_dir.Path, Path.GetFullPath(Path.Combine(_dir.Path, location))), ExternalWeightModel.WeightBytes);
        Directory.CreateDirectory(_dir.File("sub"));
        using var loaded = ModelLoader.Load(ExternalWeightModel.Write(_dir, ("location", location)));
        Assert.Equal(TinyModels.Wave(16 * 3 * 3 * 3, 0.2f), Weights(loaded));
    }

    [Fact]
    public void RefusesAbsoluteLocation()
    {
        var data = _dir.Write(ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        var model = ExternalWeightModel.Write(_dir, ("location", data));
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataAbsolutePath, model);
        Assert.Contains(data, e.Message);
        Assert.Contains("'W'", e.Message);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("\\\\server\\share\\w.bin")]
    [InlineData("C:\\weights.bin")]
    [InlineData("c:weights.bin")]
    public void RefusesAbsoluteLocationOfAnyPlatform(string location) =>
        Refusal.ExpectLoad(ErrorCodes.ExternalDataAbsolutePath, ExternalWeightModel.Write(_dir, ("location", location)));

    [Theory]
    [InlineData("../x.data")]
    [InlineData("a/../../x.data")]
    [InlineData("inner/../../x.data")]
    [InlineData("./../x.data")]
    [InlineData("..")]
    [InlineData(".")]
    public void RefusesLocationThatEscapesModelFolder(string location)
    {
        // The target exists (one level up, beside the model's folder), so only the escape can be the reason.
        _dir.Write("x.data", ExternalWeightModel.WeightBytes);
        Directory.CreateDirectory(_dir.File("inner/a"));
        var model = ExternalWeightModel.Write(_dir, [("location", location)], "inner/model.onnx");
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataEscapes, model);
        Assert.Contains($"'{location}'", e.Message);
        Assert.Contains("leaves the model's folder", e.Message);
    }

    [Fact]
    public void RefusesLocationOfASiblingFolderWithTheSamePrefix()
    {
        // "/tmp/m" must not accept "/tmp/m-evil/x" just because the string starts the same.
        _dir.Write("m-evil/x.data", ExternalWeightModel.WeightBytes);
        var model = ExternalWeightModel.Write(_dir, [("location", "../m-evil/x.data")], "m/model.onnx");
        Refusal.ExpectLoad(ErrorCodes.ExternalDataEscapes, model);
    }

    [Fact]
    public void RefusesMissingDataFile()
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataMissing, ExternalWeightModel.Write(_dir, ("location", "absent.bin")));
        Assert.Contains("'absent.bin'", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void RefusesLocationThatIsAFolder()
    {
        Directory.CreateDirectory(_dir.File("folder.bin"));
        Refusal.ExpectLoad(ErrorCodes.ExternalDataMissing, ExternalWeightModel.Write(_dir, ("location", "folder.bin")));
    }

    [Fact]
    public void RefusesMissingLocation()
    {
        _dir.Write(ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataMalformed, ExternalWeightModel.Write(_dir, ("offset", "0"), ("length", "1728")));
        Assert.Contains("no location", e.Message);
        Assert.Contains("'W'", e.Message);
    }

    [Fact]
    public void RefusesEmptyLocation() =>
        Refusal.ExpectLoad(ErrorCodes.ExternalDataMalformed, ExternalWeightModel.Write(_dir, ("location", "")));

    [Fact]
    public void RefusesLocationWithNulCharacter()
    {
        _dir.Write(ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);
        Refusal.ExpectLoad(ErrorCodes.ExternalDataMalformed, ExternalWeightModel.Write(_dir, ("location", "weights.bin\0.txt")));
    }

    [Fact]
    public void RefusesExternalTensorOfAModelBuiltInMemory()
    {
        var tensor = ExternalWeightModel.MakeExternal(TinyModels.ConvRelu().Graph.Initializer[0], ("location", ExternalWeightModel.DataFile));
        Refusal.Expect(ErrorCodes.ExternalDataMissing, () => TensorValues.AsFloat(tensor));
    }
}
