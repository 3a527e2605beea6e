using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Outputs;

/// <summary>
/// compile's output folder: the reproducers of issue 9 (`-o .`, `-o ..`, `-o ""`, OutputDir beside the model) are
/// refused with a code before any work and delete nothing; a folder is replaceable only by its manifest; --force
/// writes beside foreign files without touching them.
/// </summary>
public sealed class OutputOwnershipTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A user's project folder: the model with external data, notes and a photos folder.</summary>
    private string Project()
    {
        var project = _dir.File("project");
        Directory.CreateDirectory(Path.Combine(project, "photos"));
        ModelSaver.Save(SampleModels.RepVggGrouped(), Path.Combine(project, "m.onnx"), forceExternal: true);
        File.WriteAllText(Path.Combine(project, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(project, "photos", "cat.jpg"), "meow");
        return project;
    }

    private Dictionary<string, byte[]> Snapshot() =>
        _dir.Files().ToDictionary(f => f, f => File.ReadAllBytes(_dir.File(f)));

    private void AssertUnchanged(Dictionary<string, byte[]> before)
    {
        var after = Snapshot();
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in before) Assert.Equal(bytes, after[file]);
        Assert.Equal(before.Keys.Select(k => k.Split(Path.DirectorySeparatorChar)[0]).Distinct().Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static void AssertRefused(CliRun run, string code)
    {
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error {code}:", run.Error);
        Assert.DoesNotContain("OCD9999", run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void OutputDotInTheModelsFolderIsRefusedAndDeletesNothing()
    {
        var project = Project();
        var before = Snapshot();
        var run = CliRun.Of("compile", Path.Combine(project, "m.onnx"), "-o", Path.Combine(project, "."));
        AssertRefused(run, "OCD1405");
        AssertUnchanged(before);
    }

    [Fact]
    public void OutputDotDotAboveTheModelIsRefusedAndDeletesNothing()
    {
        var project = Project();
        Directory.CreateDirectory(Path.Combine(project, "sub"));
        var before = Snapshot();
        var run = CliRun.Of("compile", Path.Combine(project, "m.onnx"), "-o", Path.Combine(project, "sub", ".."));
        AssertRefused(run, "OCD1405");
        AssertUnchanged(before);
    }

    [Fact]
    public void AFolderTheCompilerDidNotWriteIsRefusedEvenWithoutTheModelInIt()
    {
        var project = Project();
        var before = Snapshot();
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", Path.Combine(project, "photos", ".."));
        AssertRefused(run, "OCD1404");
        AssertUnchanged(before);
    }

    [Fact]
    public void AnEmptyFolderWithoutAManifestIsRefused()
    {
        var empty = _dir.File("empty");
        Directory.CreateDirectory(empty);
        AssertRefused(CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", empty), "OCD1404");
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
        Assert.Equal(["empty"], _dir.Listing());
    }

    [Fact]
    public void AnEmptyOutputPathIsRefused()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", "");
        AssertRefused(run, "OCD1406");
        Assert.Empty(_dir.Listing());
    }

    [Fact]
    public void OutputDirBesideTheModelAsMSBuildPassesItIsRefusedAndTheModelKept()
    {
        var models = _dir.File("models");
        Directory.CreateDirectory(models);
        ModelSaver.Save(SampleModels.RepVggGrouped(), Path.Combine(models, "m.onnx"), forceExternal: true);
        var before = Snapshot();
        var run = CliRun.Of("compile", Path.Combine(models, "m.onnx"), "-o", models + Path.DirectorySeparatorChar, "--force");
        AssertRefused(run, "OCD1405");
        Assert.StartsWith(models + Path.DirectorySeparatorChar + ": error OCD1405", run.Error);
        AssertUnchanged(before);
    }

    [Fact]
    public void AFolderHoldingOnlyTheExternalDataIsRefused()
    {
        var model = _dir.File("m.onnx");
        var weights = _dir.File("weights");
        Directory.CreateDirectory(weights);
        var saved = SampleModels.RepVggGrouped();
        ModelSaver.Save(saved, Path.Combine(weights, "w.onnx"), forceExternal: true);
        // The model at the top refers to the data file inside weights/, written with it.
        using (var loaded = ModelLoader.Load(Path.Combine(weights, "w.onnx")))
        {
            foreach (var t in ModelLoader.AllTensors(loaded.Model).Where(ExternalDataReference.IsExternal))
            {
                t.ExternalData.Single(e => e.Key == "location").Value = "weights/w.onnx.data";
            }
            BadModels.Write(loaded.Model, model);
        }
        File.Delete(Path.Combine(weights, "w.onnx"));
        File.WriteAllText(Path.Combine(weights, OutputManifest.FileName), "");
        var before = Snapshot();
        AssertRefused(CliRun.Of("compile", model, "-o", weights, "--force"), "OCD1405");
        AssertUnchanged(before);
    }

    [Fact]
    public void AProfileFileInsideTheOutputFolderIsRefused()
    {
        var output = _dir.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "nano.json"), CliRun.Of("devices", "jetson-nano", "--json", "-").Out);
        var before = Snapshot();
        AssertRefused(CliRun.Of("compile", "--sample", "repvgg-grouped", "--devices", Path.Combine(output, "nano.json") + ",jetson-xavier-nx", "-o", output, "--force"), "OCD1405");
        AssertUnchanged(before);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("fifo")]
    [InlineData("link")]
    public void AnOutputThatIsNotAFolderIsRefusedAndLeftAsItIs(string kind)
    {
        var target = _dir.File("out");
        var other = _dir.WriteText("other/keep.txt", "kept");
        switch (kind)
        {
            case "file": File.WriteAllText(target, "a file"); break;
            case "fifo": SpecialFiles.CreateFifo(target); break;
            default: File.CreateSymbolicLink(target, Path.GetDirectoryName(other)!); break;
        }
        AssertRefused(CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", target), "OCD1406");
        Assert.Equal(kind switch { "file" => FileKind.Regular, "fifo" => FileKind.Fifo, _ => FileKind.SymbolicLink }, FileKinds.Of(target));
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(_dir.File("other")).Select(Path.GetFileName));
        Assert.Equal("kept", File.ReadAllText(other));
        Assert.Equal(["other", "out"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheCompilersOwnOutputIsReplacedAndItsManifestListsExactlyWhatItWrote()
    {
        var output = _dir.File("out");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output).ExitCode);
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--objective", "throughput").ExitCode);
        var listed = File.ReadAllLines(Path.Combine(output, OutputManifest.FileName)).Order(StringComparer.Ordinal);
        var present = Directory.EnumerateFileSystemEntries(output, "*", SearchOption.AllDirectories)
            .Select(e => Path.GetRelativePath(output, e) + (Directory.Exists(e) ? "/" : "")).Where(n => n != OutputManifest.FileName).Order(StringComparer.Ordinal);
        Assert.Equal(present, listed);
        Assert.Contains("plan.json", listed);
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AForeignFileInTheCompilersFolderIsRefusedWithoutForceAndKeptWithIt()
    {
        var output = _dir.File("out");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output).ExitCode);
        var firstPlan = File.ReadAllText(Path.Combine(output, "plan.json"));
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");

        AssertRefused(CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--objective", "throughput"), "OCD1404");
        Assert.Equal(firstPlan, File.ReadAllText(Path.Combine(output, "plan.json")));

        var forced = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--objective", "throughput", "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("\"objective\": \"throughput\"", File.ReadAllText(Path.Combine(output, "plan.json")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));
        Assert.DoesNotContain("notes.txt", File.ReadAllLines(Path.Combine(output, OutputManifest.FileName)));
        Assert.Equal(["out"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ForceNeverReplacesAForeignFileOfAnOutputsName()
    {
        var output = _dir.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "plan.json"), "my own plan");
        AssertRefused(CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--force"), "OCD1404");
        Assert.Equal("my own plan", File.ReadAllText(Path.Combine(output, "plan.json")));
        Assert.Equal(["out", "out/plan.json"], _dir.Listing());
    }

    [Fact]
    public void ForceWritesIntoAUsersFolderAndLeavesEverythingOfTheirs()
    {
        var project = Project();
        var before = Snapshot();
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", Path.Combine(project, "photos"), "--force");
        Assert.Equal(0, run.ExitCode);
        var after = Snapshot();
        foreach (var (file, bytes) in before) Assert.Equal(bytes, after[file]);
        var photos = Path.Combine(project, "photos");
        var listed = File.ReadAllLines(Path.Combine(photos, OutputManifest.FileName));
        var written = Directory.EnumerateFileSystemEntries(photos, "*", SearchOption.AllDirectories)
            .Select(e => Path.GetRelativePath(photos, e) + (Directory.Exists(e) ? "/" : ""));
        Assert.Equal(written.Except(["cat.jpg", OutputManifest.FileName]).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AManifestListingAPathIsRefused()
    {
        var output = _dir.File("out");
        Directory.CreateDirectory(output);
        var victim = _dir.WriteText("victim.txt", "keep");
        File.WriteAllText(Path.Combine(output, OutputManifest.FileName), "../victim.txt\n");
        AssertRefused(CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output, "--force"), "OCD1409");
        Assert.Equal("keep", File.ReadAllText(victim));
    }

    [Fact]
    public void ADashIsNotAnOutputFolder()
    {
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", "-");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error OCD1401", run.Error);
    }
}
