using OnnxCoDesign.Tests.Support;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

public sealed class ModelSaverTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TensorProto Weight(ModelProto model) => model.Graph.Initializer.Single(t => t.Name == "W");

    /// <summary>The tiny model saved with W external in <c>source/m.onnx</c>, loaded back.</summary>
    private LoadedModel LoadExternalSource()
    {
        Directory.CreateDirectory(_dir.File("source"));
        ModelSaver.Save(TinyModels.ConvRelu(), _dir.File("source/m.onnx"), forceExternal: true);
        return ModelLoader.Load(_dir.File("source/m.onnx"));
    }

    [Fact]
    public void InlineRoundTripIsByteIdentical()
    {
        var model = TinyModels.ConvRelu();
        ModelSaver.Save(model, _dir.File("m.onnx"));
        Assert.Equal(model.ToByteArray(), File.ReadAllBytes(_dir.File("m.onnx")));
    }

    [Fact]
    public void LeavesNoTempFileBehind()
    {
        ModelSaver.Save(TinyModels.ConvRelu(), _dir.File("m.onnx"));
        Assert.Equal(["m.onnx"], _dir.Listing());
    }

    [Fact]
    public void LeavesNoTempFileBehindWithExternalData()
    {
        ModelSaver.Save(TinyModels.ConvRelu(), _dir.File("m.onnx"), forceExternal: true);
        Assert.Equal(["m.onnx", "m.onnx.data"], _dir.Listing());
    }

    [Fact]
    public void ReplacesAnExistingFile()
    {
        _dir.WriteText("m.onnx", "old contents");
        ModelSaver.Save(TinyModels.ConvRelu(), _dir.File("m.onnx"));
        Assert.Equal(TinyModels.ConvRelu().ToByteArray(), File.ReadAllBytes(_dir.File("m.onnx")));
        Assert.Equal(["m.onnx"], _dir.Listing());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RefusesMissingDestinationFolderAndWritesNothing(bool forceExternal)
    {
        var path = _dir.File("missing/m.onnx");
        var e = Refusal.Expect(ErrorCodes.OutputWriteFailed, () => ModelSaver.Save(TinyModels.ConvRelu(), path, forceExternal: forceExternal));
        Assert.StartsWith(_dir.File("missing/m.onnx"), e.File);
        Assert.Contains($"the folder '{_dir.File("missing")}' does not exist", e.Message);
        Assert.Empty(_dir.Listing());
    }

    [Fact]
    public void RefusesDestinationThatIsAFolderAndLeavesNoTempFile()
    {
        Directory.CreateDirectory(_dir.File("m.onnx"));
        var e = Refusal.Expect(ErrorCodes.OutputSpecialFile, () => ModelSaver.Save(TinyModels.ConvRelu(), _dir.File("m.onnx")));
        Assert.Equal(_dir.File("m.onnx"), e.File);
        Assert.Equal(["m.onnx"], _dir.Listing());
    }

    [Fact]
    public void FailedSaveLeavesTheExistingModelAsItWas()
    {
        // W is external but no store is given to read it from: the save fails before anything is renamed.
        using var source = LoadExternalSource();
        _dir.WriteText("m.onnx", "old contents");
        Refusal.Expect(ErrorCodes.ExternalDataMissing, () => ModelSaver.Save(source.Model, _dir.File("m.onnx")));
        Assert.Equal("old contents", File.ReadAllText(_dir.File("m.onnx")));
        Assert.Equal(["m.onnx", "source", "source/m.onnx", "source/m.onnx.data"], _dir.Listing());
    }

    [Fact]
    public void ExternalTensorsSavedElsewhereStayExternalInTheNewDataFile()
    {
        using (var source = LoadExternalSource())
        {
            Directory.CreateDirectory(_dir.File("copy"));
            ModelSaver.Save(source.Model, _dir.File("copy/out.onnx"), source.ExternalData);
        }
        Directory.Delete(_dir.File("source"), recursive: true);

        using var copy = ModelLoader.Load(_dir.File("copy/out.onnx"));
        var w = Weight(copy.Model);
        Assert.True(ExternalDataReference.IsExternal(w));
        Assert.Equal("out.onnx.data", ExternalDataReference.Parse(w, null).Location);
        Assert.Equal(TensorValues.AsFloat(Weight(TinyModels.ConvRelu())), TensorValues.AsFloat(w, copy.ExternalData));
        Assert.Equal(OrtOutputs.FromBytes(TinyModels.ConvRelu().ToByteArray()), OrtOutputs.FromFile(_dir.File("copy/out.onnx")));
    }

    [Fact]
    public void MovesTensorsHeldInTypedFieldsOutToo()
    {
        var model = TinyModels.ConvRelu();
        var w = Weight(model);
        w.FloatData.AddRange(TensorValues.AsFloat(w));
        w.RawData = ByteString.Empty;
        ModelSaver.Save(model, _dir.File("m.onnx"), forceExternal: true);

        using var loaded = ModelLoader.Load(_dir.File("m.onnx"));
        var back = Weight(loaded.Model);
        Assert.True(ExternalDataReference.IsExternal(back));
        Assert.Empty(back.FloatData);
        Assert.Equal(TensorValues.AsFloat(Weight(TinyModels.ConvRelu())), TensorValues.AsFloat(back, loaded.ExternalData));
        Assert.Equal(OrtOutputs.FromBytes(TinyModels.ConvRelu().ToByteArray()), OrtOutputs.FromFile(_dir.File("m.onnx")));
        Assert.NotEmpty(w.FloatData);
    }

    [Fact]
    public void SaveDoesNotChangeTheModelItSaves()
    {
        using var source = LoadExternalSource();
        var before = source.Model.Clone();
        ModelSaver.Save(source.Model, _dir.File("elsewhere.onnx"), source.ExternalData);
        Assert.Equal(before, source.Model);
        Assert.Equal("m.onnx.data", ExternalDataReference.Parse(Weight(source.Model), null).Location);
        Assert.Equal(TensorValues.AsFloat(Weight(TinyModels.ConvRelu())), TensorValues.AsFloat(Weight(source.Model), source.ExternalData));
    }

    [Fact]
    public void ForcingExternalDataDoesNotChangeTheInlineModel()
    {
        var model = TinyModels.ConvRelu();
        ModelSaver.Save(model, _dir.File("m.onnx"), forceExternal: true);
        Assert.Equal(TinyModels.ConvRelu(), model);
        Assert.False(ExternalDataReference.IsExternal(Weight(model)));
    }

    [Fact]
    public void SavesOverItsOwnFilesInPlace()
    {
        using (var source = LoadExternalSource())
        {
            ModelSaver.Save(source.Model, _dir.File("source/m.onnx"), source.ExternalData);
        }
        using var again = ModelLoader.Load(_dir.File("source/m.onnx"));
        Assert.Equal(TensorValues.AsFloat(Weight(TinyModels.ConvRelu())), TensorValues.AsFloat(Weight(again.Model), again.ExternalData));
        Assert.Equal(["source", "source/m.onnx", "source/m.onnx.data"], _dir.Listing());
    }

    [Fact]
    public void AtomicWriteRemovesItsTempFileWhenTheWriterFails()
    {
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(_dir.File("out.txt"), s =>
        {
            s.Write(new byte[10]);
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Empty(_dir.Listing());
    }
}
