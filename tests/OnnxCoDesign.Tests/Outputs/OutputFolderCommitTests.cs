using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Outputs;

/// <summary>
/// An output set replaced as one: stopped after each step of a commit (a failure, or a kill that cleans nothing), the
/// output folder holds the old or the new set complete with a manifest that lists exactly it; the next run removes
/// what an interrupted one left beside it, and nothing that merely looks like it.
/// </summary>
public sealed class OutputFolderCommitTests : IDisposable
{
    private static readonly Dictionary<string, string> Old = new() { ["plan.json"] = "old plan", ["part0.onnx"] = "old 0", ["part1.onnx"] = "old 1" };
    private static readonly Dictionary<string, string> New = new() { ["plan.json"] = "new plan", ["part0.onnx"] = "new 0" };
    private static readonly Dictionary<string, string> Third = new() { ["plan.json"] = "third plan" };

    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Final => _dir.File("out");

    private sealed class Stop(OutputStep step) : Exception($"stopped after {step}");

    private static OutputFolderOptions StopAfter(OutputStep step, bool cleanUp) => new()
    {
        AfterStep = s => { if (s == step) throw new Stop(s); },
        CleanUpAfterFailure = cleanUp,
    };

    private void WriteSet(IReadOnlyDictionary<string, string> files, OutputFolderOptions? options = null, bool force = false)
    {
        var claim = OutputClaim.Check(Final, [], force, files.ContainsKey);
        using var folder = new OutputFolder(claim, options);
        foreach (var (name, text) in files) AtomicFile.WriteText(name.EndsWith(".onnx") ? folder.ModelFile(name) : folder.File(name), text);
        folder.Commit();
    }

    /// <summary>The output folder holds exactly this set, and its manifest lists exactly it.</summary>
    private void AssertHolds(IReadOnlyDictionary<string, string> files, params string[] foreign)
    {
        var names = Directory.EnumerateFileSystemEntries(Final).Select(Path.GetFileName).Where(n => n != OutputManifest.FileName).Order(StringComparer.Ordinal);
        Assert.Equal(files.Keys.Concat(foreign).Order(StringComparer.Ordinal), names);
        foreach (var (name, text) in files) Assert.Equal(text, File.ReadAllText(Path.Combine(Final, name)));
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), File.ReadAllLines(Path.Combine(Final, OutputManifest.FileName)).Order(StringComparer.Ordinal));
    }

    private string[] Beside() => Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Theory]
    [InlineData(OutputStep.Staged)]
    [InlineData(OutputStep.Swapped)]
    [InlineData(OutputStep.OldSetRemoved)]
    public void AFailureAfterEachStepLeavesOneCompleteSetAndNothingBeside(OutputStep step)
    {
        WriteSet(Old);
        Assert.Throws<Stop>(() => WriteSet(New, StopAfter(step, cleanUp: true)));
        AssertHolds(step == OutputStep.Staged ? Old : New);
        Assert.Equal(["out"], Beside());
    }

    [Theory]
    [InlineData(OutputStep.Staged)]
    [InlineData(OutputStep.Swapped)]
    [InlineData(OutputStep.OldSetRemoved)]
    public void AKillAfterEachStepLeavesOneCompleteSetAndTheNextRunCleansUp(OutputStep step)
    {
        WriteSet(Old);
        Assert.Throws<Stop>(() => WriteSet(New, StopAfter(step, cleanUp: false)));
        AssertHolds(step == OutputStep.Staged ? Old : New);
        Assert.Equal(step == OutputStep.OldSetRemoved ? 1 : 2, Beside().Length);

        WriteSet(Third);

        AssertHolds(Third);
        Assert.Equal(["out"], Beside());
    }

    [Fact]
    public void AKillWhileWritingLeavesTheOldSetAndAStagingFolderTheNextRunRemoves()
    {
        WriteSet(Old);
        var claim = OutputClaim.Check(Final, [], false, _ => true);
        using (var killed = new OutputFolder(claim, new OutputFolderOptions { CleanUpAfterFailure = false }))
        {
            AtomicFile.WriteText(killed.File("plan.json"), "half");
            var part = killed.ModelFile("part0.onnx");
            File.WriteAllText(AtomicFile.TempNameFor(part), "half a part");
        }
        AssertHolds(Old);
        Assert.Equal(2, Beside().Length);

        WriteSet(Third);

        AssertHolds(Third);
        Assert.Equal(["out"], Beside());
    }

    [Fact]
    public void LookAlikesOfLeftoversAreNeverRemoved()
    {
        var hex = Guid.NewGuid().ToString("N");
        string H() => Guid.NewGuid().ToString("N");
        var noManifest = _dir.WriteText($".out.{H()}.codesign/notes.txt", "theirs");
        var mixed = _dir.File($".out.{H()}.codesign");
        _dir.WriteText(Path.Combine(Path.GetFileName(mixed), "plan.json"), "ours");
        var photo = _dir.WriteText(Path.Combine(Path.GetFileName(mixed), "photo.jpg"), "theirs");
        File.WriteAllText(Path.Combine(mixed, OutputManifest.FileName), "plan.json\n");
        var elsewhere = _dir.File("elsewhere");
        var linkedFile = _dir.WriteText("elsewhere/plan.json", "theirs");
        File.WriteAllText(Path.Combine(elsewhere, OutputManifest.FileName), "plan.json\n");
        File.CreateSymbolicLink(_dir.File($".out.{H()}.codesign"), elsewhere);
        string[] similar = [$".out.{hex}.tmp", $".out.{Guid.NewGuid()}.codesign", $".out.{hex.ToUpperInvariant()}.codesign", $".outx.{hex}.codesign", $"out.{hex}.codesign", $".out.{hex}.codesign.old"];
        foreach (var name in similar)
        {
            _dir.WriteText(Path.Combine(name, "plan.json"), "theirs");
            File.WriteAllText(_dir.File(Path.Combine(name, OutputManifest.FileName)), "plan.json\n");
        }
        var before = Beside();

        WriteSet(New);

        Assert.Equal(before.Append("out").Order(StringComparer.Ordinal), Beside());
        Assert.Equal("theirs", File.ReadAllText(noManifest));
        Assert.Equal("theirs", File.ReadAllText(photo));
        Assert.False(File.Exists(Path.Combine(mixed, "plan.json")), "the plan.json a leftover's manifest lists is the compiler's");
        Assert.Equal("theirs", File.ReadAllText(linkedFile));
        Assert.All(similar, name => Assert.Equal("theirs", File.ReadAllText(_dir.File(Path.Combine(name, "plan.json")))));
    }

    [Fact]
    public void ARunInProgressKeepsItsStagingFolderFromAnotherRun()
    {
        var first = new OutputFolder(OutputClaim.Check(Final, [], false, _ => true));
        AtomicFile.WriteText(first.File("plan.json"), "first");

        WriteSet(New);

        Assert.Equal("first", File.ReadAllText(Path.Combine(first.Staging, "plan.json")));
        // The first run claimed a folder that did not exist; the second created it meanwhile, and it is not replaced.
        var error = Assert.Throws<CodesignException>(() => first.Commit());
        Assert.Equal(ErrorCodes.OutputFolderNotOurs, error.Code);
        first.Dispose();
        AssertHolds(New);
        Assert.Equal(["out"], Beside());
    }

    [Fact]
    public void ForcedReplacesAndDeletesOnlyWhatItsManifestLists()
    {
        WriteSet(Old);
        File.WriteAllText(Path.Combine(Final, "notes.txt"), "theirs");
        Assert.Equal(ErrorCodes.OutputFolderNotOurs, Assert.Throws<CodesignException>(() => WriteSet(New)).Code);
        AssertHolds(Old, "notes.txt");

        WriteSet(New, force: true);

        AssertHolds(New, "notes.txt");
        Assert.Equal("theirs", File.ReadAllText(Path.Combine(Final, "notes.txt")));
        Assert.Equal(["out"], Beside());
    }

    [Fact]
    public void AForcedRunKilledMidwayLeavesEveryFileOfOursListed()
    {
        WriteSet(Old);
        File.WriteAllText(Path.Combine(Final, "notes.txt"), "theirs");
        Assert.Throws<Stop>(() => WriteSet(New, StopAfter(OutputStep.Swapped, cleanUp: false), force: true));

        var listed = File.ReadAllLines(Path.Combine(Final, OutputManifest.FileName)).Order(StringComparer.Ordinal);
        Assert.Equal(Old.Keys.Union(New.Keys).Order(StringComparer.Ordinal), listed);

        WriteSet(Third, force: true);

        AssertHolds(Third, "notes.txt");
        Assert.Equal(["out"], Beside());
    }
}
