using OnnxCoDesign.Tests.Support;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>A model saved with its weights outside loads back with the same values, here and in ONNX Runtime.</summary>
public sealed class ExternalDataRoundTripTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string SaveExternal(ModelProto model, string file = "m.onnx")
    {
        var path = _dir.File(file);
        ModelSaver.Save(model, path, forceExternal: true);
        return path;
    }

    [Fact]
    public void MovesLargeTensorsOutAndKeepsSmallOnesInline()
    {
        using var loaded = ModelLoader.Load(SaveExternal(TinyModels.ConvRelu()));
        var w = loaded.Model.Graph.Initializer.Single(t => t.Name == "W");
        var b = loaded.Model.Graph.Initializer.Single(t => t.Name == "B");
        Assert.True(ExternalDataReference.IsExternal(w));
        Assert.True(w.RawData.IsEmpty);
        Assert.Equal("m.onnx.data", ExternalDataReference.Parse(w, null).Location);
        Assert.False(ExternalDataReference.IsExternal(b));
        Assert.Equal(["m.onnx", "m.onnx.data"], _dir.Listing());
    }

    [Fact]
    public void ExternalTensorsReadBackByteIdentical()
    {
        var original = TinyModels.ConvRelu();
        using var loaded = ModelLoader.Load(SaveExternal(original));
        foreach (var tensor in original.Graph.Initializer)
        {
            var back = loaded.Model.Graph.Initializer.Single(t => t.Name == tensor.Name);
            Assert.Equal(TensorValues.AsFloat(tensor), TensorValues.AsFloat(back, loaded.ExternalData));
            Assert.Equal(tensor.RawData.ToByteArray(), TensorValues.Bytes(back, loaded.ExternalData).ToArray());
        }
    }

    [Fact]
    public void OnnxRuntimeRunsTheSavedFileLikeTheInMemoryOriginal()
    {
        var original = TinyModels.ConvRelu();
        var expected = OrtOutputs.FromBytes(original.ToByteArray());
        Assert.Equal(expected, OrtOutputs.FromFile(SaveExternal(original)));
        Assert.Contains(expected, v => v > 0);
    }

    [Fact]
    public void OnnxRuntimeRunsAModelWrittenByHandWithExternalWeights()
    {
        var path = ExternalWeightModel.WriteWithData(_dir);
        using (ModelLoader.Load(path)) { }
        Assert.Equal(OrtOutputs.FromBytes(TinyModels.ConvRelu().ToByteArray()), OrtOutputs.FromFile(path));
    }

    [Fact]
    public void AlignsEachExternalTensorToAPage()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Initializer.Add(TinyModels.FloatTensor("W2", TinyModels.Wave(300, 1f), 300));
        using var loaded = ModelLoader.Load(SaveExternal(model));
        var offsets = loaded.Model.Graph.Initializer.Where(ExternalDataReference.IsExternal)
            .Select(t => ExternalDataReference.Parse(t, null).Offset).ToArray();
        Assert.Equal([0L, 4096L], offsets);
    }
}
