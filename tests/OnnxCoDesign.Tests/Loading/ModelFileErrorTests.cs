using OnnxCoDesign.Tests.Support;
using Google.Protobuf;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

public sealed class ModelFileErrorTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadsAValidModel()
    {
        var path = _dir.Write("m.onnx", TinyModels.ConvRelu().ToByteArray());
        using var loaded = ModelLoader.Load(path);
        Assert.Equal(TinyModels.ConvRelu(), loaded.Model);
        Assert.Equal(path, loaded.Path);
    }

    [Fact]
    public void RefusesMissingFile()
    {
        var e = Refusal.ExpectLoad(ErrorCodes.FileNotFound, _dir.File("absent.onnx"));
        Assert.Contains("no such file", e.Message);
    }

    [Fact]
    public void RefusesMissingFileInMissingFolder() =>
        Refusal.ExpectLoad(ErrorCodes.FileNotFound, _dir.File("no/such/folder/m.onnx"));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("model\0.onnx")]
    public void RefusesPathThatCannotNameAFile(string path) => Refusal.Expect(ErrorCodes.FileNotFound, () => ModelLoader.Load(path));

    [Fact]
    public void RefusesDirectory()
    {
        var e = Refusal.ExpectLoad(ErrorCodes.FileUnreadable, _dir.Path);
        Assert.Contains("directory", e.Message);
    }

    [Fact]
    public void RefusesEmptyFile()
    {
        var e = Refusal.ExpectLoad(ErrorCodes.EmptyFile, _dir.Write("empty.onnx", []));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void RefusesEveryTruncationOfAValidModel()
    {
        var bytes = TinyModels.ConvRelu().ToByteArray();
        for (var length = 1; length < bytes.Length; length++)
        {
            var path = _dir.Write($"cut{length}.onnx", bytes[..length]);
            var e = Assert.Throws<CodesignException>(() => ModelLoader.Load(path).Dispose());
            Assert.True(e.Code is ErrorCodes.Truncated or ErrorCodes.NotOnnx, $"cut at {length} of {bytes.Length}: {e.Code} {e.Message}");
            Assert.Equal(path, e.File);
        }
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void ReportsACutInsideTheGraphAsTruncated(double fraction)
    {
        var bytes = TinyModels.ConvRelu().ToByteArray();
        var e = Refusal.ExpectLoad(ErrorCodes.Truncated, _dir.Write("cut.onnx", bytes[..(int)(bytes.Length * fraction)]));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void RefusesTextFile() =>
        Refusal.ExpectLoad(ErrorCodes.NotOnnx, _dir.WriteText("readme.onnx", "This is not a model.\nJust some text, 42 lines of it.\n"));

    [Fact]
    public void RefusesPngFile()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89];
        Refusal.ExpectLoad(ErrorCodes.NotOnnx, _dir.Write("picture.onnx", png));
    }

    [Fact]
    public void RefusesRandomBytesAsNotOnnxRatherThanTruncated()
    {
        // Many random byte strings "end in the middle of a field" as far as protobuf can tell; they are still
        // not a truncated model. (A model starts with ir_version's tag, 0x08: noise that does is left out.)
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var bytes = new byte[random.Next(1, 5000)];
            random.NextBytes(bytes);
            if (bytes[0] == 0x08) bytes[0] = 0x09;
            var path = _dir.Write($"noise{seed}.onnx", bytes);
            var e = Assert.Throws<CodesignException>(() => ModelLoader.Load(path).Dispose());
            Assert.True(e.Code == ErrorCodes.NotOnnx, $"seed {seed} ({bytes.Length} bytes): {e.Code} {e.Message}");
        }
    }

    [Fact]
    public void RefusesProtobufThatIsNotAModel()
    {
        // A GraphProto on its own parses as a ModelProto full of unknown fields.
        Refusal.ExpectLoad(ErrorCodes.NotOnnx, _dir.Write("graph.onnx", TinyModels.ConvRelu().Graph.ToByteArray()));
    }

    [Fact]
    public void RefusesModelWithoutOpsetImport()
    {
        var model = TinyModels.ConvRelu();
        model.OpsetImport.Clear();
        Refusal.ExpectLoad(ErrorCodes.Truncated, _dir.Write("noopset.onnx", model.ToByteArray()));
    }
}
