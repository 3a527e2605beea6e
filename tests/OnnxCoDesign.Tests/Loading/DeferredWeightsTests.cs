using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>
/// Large inline weights stay in the model file after loading and are read, saved and handed to ONNX
/// Runtime from there, byte for byte.
/// </summary>
public sealed class DeferredWeightsTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();
    private readonly Onnx.ModelProto _original = SampleModels.Inception();
    private readonly string _path;

    public DeferredWeightsTests()
    {
        _path = _dir.File("inception.onnx");
        File.WriteAllBytes(_path, _original.ToByteArray());
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LargeInitializersAreLeftInTheFileAndSmallOnesParsed()
    {
        using var loaded = ModelLoader.Load(_path);
        foreach (var t in loaded.Model.Graph.Initializer)
        {
            var large = _original.Graph.Initializer.Single(o => o.Name == t.Name).RawData.Length >= ModelLoader.DeferredWeightThreshold;
            Assert.Equal(large, loaded.ExternalData.IsDeferred(t));
            Assert.Equal(large, t.RawData.IsEmpty);
        }
        Assert.Contains(loaded.Model.Graph.Initializer, loaded.ExternalData.IsDeferred);
        Assert.Contains(loaded.Model.Graph.Initializer, t => !loaded.ExternalData.IsDeferred(t));
    }

    [Fact]
    public void DeferredValuesReadBackExactly()
    {
        using var loaded = ModelLoader.Load(_path);
        foreach (var t in loaded.Model.Graph.Initializer)
        {
            var original = _original.Graph.Initializer.Single(o => o.Name == t.Name);
            Assert.Equal(TensorValues.AsFloat(original), TensorValues.AsFloat(t, loaded.ExternalData));
        }
    }

    [Fact]
    public void SavingAnUnchangedModelReproducesTheFileByteForByte()
    {
        using var loaded = ModelLoader.Load(_path);
        var copy = _dir.File("copy.onnx");
        ModelSaver.Save(loaded.Model, copy, loaded.ExternalData);
        Assert.Equal(File.ReadAllBytes(_path), File.ReadAllBytes(copy));
        Assert.Equal(File.ReadAllBytes(_path), ModelBytes.ToArray(loaded.Model, loaded.ExternalData));
        Assert.Equal(["copy.onnx", "inception.onnx"], _dir.Files());
    }

    [Fact]
    public void AClonedModelStillWritesItsDeferredWeightsInline()
    {
        using var loaded = ModelLoader.Load(_path);
        var clone = loaded.Model.Clone();
        Assert.Contains(clone.Graph.Initializer, loaded.ExternalData.IsDeferred);
        Assert.All(clone.Graph.Initializer, t => Assert.Equal(ExternalDataReference.IsExternal(t), loaded.ExternalData.IsDeferred(t)));
        var copy = _dir.File("clone.onnx");
        ModelSaver.Save(clone, copy, loaded.ExternalData);
        Assert.Equal(File.ReadAllBytes(_path), File.ReadAllBytes(copy));
        Assert.False(File.Exists(copy + ".data"));
    }

    [Fact]
    public void SavingInPlaceReadsFromTheOldFileWhileWritingTheNewOne()
    {
        var before = File.ReadAllBytes(_path);
        using (var loaded = ModelLoader.Load(_path)) ModelSaver.Save(loaded.Model, _path, loaded.ExternalData);
        Assert.Equal(before, File.ReadAllBytes(_path));
    }

    [Fact]
    public void DeferredWeightsCanMoveToAnExternalDataFile()
    {
        using var loaded = ModelLoader.Load(_path);
        var moved = _dir.File("moved.onnx");
        ModelSaver.Save(loaded.Model, moved, loaded.ExternalData, forceExternal: true);
        using var again = ModelLoader.Load(moved);
        Assert.Equal(File.ReadAllBytes(_path), ModelBytes.ToArray(again.Model, again.ExternalData));
        Assert.True(File.Exists(moved + ".data"));
    }

    [Fact]
    public void OnnxRuntimeComputesTheSameFromStreamedBytes()
    {
        using var loaded = ModelLoader.Load(_path);
        Assert.Equal(Run(_original.ToByteArray()), Run(ModelBytes.ToArray(loaded.Model, loaded.ExternalData)));
    }

    [Fact]
    public void ACutInsideADeferredWeightIsTruncation()
    {
        var bytes = File.ReadAllBytes(_path);
        var cut = _dir.File("cut.onnx");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 3 / 4)]);
        var e = Assert.Throws<OnnxCoDesign.Passes.Diagnostics.CodesignException>(() => ModelLoader.Load(cut));
        Assert.Equal("OCD1004", e.Code);
    }

    private static float[] Run(byte[] model)
    {
        using var session = new InferenceSession(model);
        var input = Enumerable.Range(0, 3 * 224 * 224).Select(i => MathF.Sin(i * 0.001f)).ToArray();
        using var x = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var options = new RunOptions();
        using var outputs = session.Run(options, [session.InputNames[0]], [x], [session.OutputNames[0]]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
