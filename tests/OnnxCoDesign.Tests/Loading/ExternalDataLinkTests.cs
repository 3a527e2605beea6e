using OnnxCoDesign.Tests.Support;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>No symbolic link anywhere on the way to external data, no hard-linked data file, nothing but a regular file.</summary>
public sealed class ExternalDataLinkTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public ExternalDataLinkTests() => _dir.Write(ExternalWeightModel.DataFile, ExternalWeightModel.WeightBytes);

    public void Dispose() => _dir.Dispose();

    private string ModelReading(string location) => ExternalWeightModel.Write(_dir, ("location", location));

    [Fact]
    public void RefusesSymbolicLinkToFileInsideFolder()
    {
        File.CreateSymbolicLink(_dir.File("link.bin"), ExternalWeightModel.DataFile);
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, ModelReading("link.bin"));
        Assert.Contains("symbolic link 'link.bin'", e.Message);
    }

    [Fact]
    public void RefusesSymbolicLinkToFileOutsideFolder()
    {
        _dir.Write("outside/secret.bin", ExternalWeightModel.WeightBytes);
        Directory.CreateDirectory(_dir.File("inner"));
        File.CreateSymbolicLink(_dir.File("inner/link.bin"), _dir.File("outside/secret.bin"));
        Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, ExternalWeightModel.Write(_dir, [("location", "link.bin")], "inner/model.onnx"));
    }

    [Fact]
    public void RefusesLocationUnderSymlinkedDirectory()
    {
        _dir.Write("real/weights.bin", ExternalWeightModel.WeightBytes);
        Directory.CreateSymbolicLink(_dir.File("linked"), "real");
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, ModelReading("linked/weights.bin"));
        Assert.Contains("'linked'", e.Message);
    }

    [Fact]
    public void RefusesLocationUnderSymlinkedDirectoryDeeperDown()
    {
        _dir.Write("real/weights.bin", ExternalWeightModel.WeightBytes);
        Directory.CreateDirectory(_dir.File("a"));
        Directory.CreateSymbolicLink(_dir.File("a/b"), "../real");
        Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, ModelReading("a/b/weights.bin"));
    }

    [Fact]
    public void RefusesDotDotAfterASymlinkedDirectory()
    {
        // Lexically "sub/../weights.bin" is the harmless inner/weights.bin; the OS follows "sub" first and
        // lands on outside/weights.bin. The link must be refused even though the normalised path is fine.
        _dir.Write("inner/weights.bin", ExternalWeightModel.WeightBytes);
        _dir.Write("outside/weights.bin", new byte[ExternalWeightModel.WeightBytes.Length]);
        Directory.CreateDirectory(_dir.File("outside/deep"));
        Directory.CreateSymbolicLink(_dir.File("inner/sub"), "../outside/deep");
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, ExternalWeightModel.Write(_dir, [("location", "sub/../weights.bin")], "inner/model.onnx"));
        Assert.Contains("'sub'", e.Message);
    }

    [Fact]
    public void RefusesLocationThatLeavesTheFolderOnTheWayBackIn()
    {
        // "../alias/weights.bin" from alias/ normalises to alias/weights.bin, but the OS resolves ".." of a
        // linked folder to the link target's parent, so any step above the model's folder is refused.
        Directory.CreateDirectory(_dir.File("real"));
        Directory.CreateSymbolicLink(_dir.File("alias"), "real");
        _dir.Write("real/weights.bin", ExternalWeightModel.WeightBytes);
        var model = ExternalWeightModel.Write(_dir, [("location", "../alias/weights.bin")], "alias/model.onnx");
        Refusal.ExpectLoad(ErrorCodes.ExternalDataEscapes, model);
    }

    [Fact]
    public void RefusesDanglingSymbolicLink()
    {
        File.CreateSymbolicLink(_dir.File("dangling.bin"), "nowhere.bin");
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, ModelReading("dangling.bin"));
        Assert.Contains("'dangling.bin'", e.Message);
    }

    [Fact]
    public void RefusesHardLink()
    {
        FileSystemLinks.CreateHardLink(_dir.File(ExternalWeightModel.DataFile), _dir.File("hard.bin"));
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, ModelReading("hard.bin"));
        Assert.Contains("hard link", e.Message);
        Assert.Contains("'hard.bin'", e.Message);
    }

    [Fact]
    public void RefusesTheOriginalNameOfAHardLinkedFileToo()
    {
        // Both names are the same inode; the count says another name exists somewhere, possibly outside.
        FileSystemLinks.CreateHardLink(_dir.File(ExternalWeightModel.DataFile), _dir.File("hard.bin"));
        Refusal.ExpectLoad(ErrorCodes.ExternalDataLink, ModelReading(ExternalWeightModel.DataFile));
    }

    [Fact]
    public void AcceptsTheFileAgainOnceTheHardLinkIsGone()
    {
        FileSystemLinks.CreateHardLink(_dir.File(ExternalWeightModel.DataFile), _dir.File("hard.bin"));
        File.Delete(_dir.File("hard.bin"));
        using var loaded = ModelLoader.Load(ModelReading(ExternalWeightModel.DataFile));
        Assert.Equal(ExternalWeightModel.WeightBytes, loaded.ExternalData.Read(loaded.Model.Graph.Initializer[0]));
    }

    [Fact]
    public void RefusesNamedPipe()
    {
        // Opening a FIFO blocks until someone writes to it; it must be refused before anything opens it.
        FileSystemLinks.CreateFifo(_dir.File("pipe.bin"));
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataMissing, ModelReading("pipe.bin"));
        Assert.Contains("not a regular file", e.Message);
    }

    [Fact]
    public void AcceptsASymbolicLinkAboveTheModelFolder()
    {
        // Links on the way to the model's own folder are the user's business (e.g. /tmp → /private/tmp on macOS).
        Directory.CreateDirectory(_dir.File("real"));
        Directory.CreateSymbolicLink(_dir.File("alias"), "real");
        _dir.Write("real/weights.bin", ExternalWeightModel.WeightBytes);
        var model = ExternalWeightModel.Write(_dir, [("location", ExternalWeightModel.DataFile)], "alias/model.onnx");
        using var loaded = ModelLoader.Load(model);
        Assert.Equal(ExternalWeightModel.WeightBytes, loaded.ExternalData.Read(loaded.Model.Graph.Initializer[0]));
    }
}
