using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Triton;

/// <summary>
/// The triton/ tree under the output folder's guarantees: its manifest lists every file and folder compile made, a
/// rerun replaces exactly those, a link or a foreign file of a name compile writes is refused (OCD1404) even with
/// --force and what it points to is kept, and --force leaves what a user or build-engines.sh put in a repository.
/// </summary>
public sealed class TritonOutputSafetyTests : IDisposable
{
    private const string First = "jetson-nano,jetson-xavier-nx";
    private const string Second = "jetson-tx2,jetson-xavier-nx";

    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Output => _dir.File("out");

    private CliRun Compile(string devices, bool force = false) =>
        CliRun.Of(["compile", "--sample", "repvgg-grouped", "--devices", devices, "-o", Output, .. force ? new[] { "--force" } : []]);

    private void Compiles(string devices, bool force = false)
    {
        var run = Compile(devices, force);
        Assert.True(run.ExitCode == 0, run.Error);
    }

    private static void Refused(CliRun run, string code = "OCD1404")
    {
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error {code}:", run.Error);
    }

    /// <summary>Everything under a folder as a manifest names it: files by path, folders with a trailing '/'; not the manifest.</summary>
    private static string[] Entries(string folder) => Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
        .Select(e => Path.GetRelativePath(folder, e).Replace('\\', '/') + (Directory.Exists(e) ? "/" : ""))
        .Where(e => e != OutputManifest.FileName).Order(StringComparer.Ordinal).ToArray();

    private string[] Manifest() => File.ReadAllLines(Path.Combine(Output, OutputManifest.FileName)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void ARerunReplacesTheRepositoriesItWroteAndRemovesThoseItNoLongerWrites()
    {
        Compiles(First);
        Assert.Equal(Entries(Output), Manifest());
        Assert.Contains("triton/jetson-nano/part0/config.pbtxt", Manifest());
        Assert.Contains("triton/jetson-nano/part0/1/", Manifest());

        Compiles(Second);

        Assert.False(Directory.Exists(Path.Combine(Output, "triton", "jetson-nano")));
        Assert.True(File.Exists(Path.Combine(Output, "triton", "jetson-tx2", "part0", "config.pbtxt")));
        Assert.Equal(Entries(Output), Manifest());
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ALinkWhereTheRepositoryWasIsRefusedEvenWithForceAndWhatItPointsToIsKept()
    {
        Compiles(First);
        var theirs = _dir.WriteText("elsewhere/jetson-nano/part0/config.pbtxt", "theirs");
        Directory.Delete(Path.Combine(Output, "triton"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(Output, "triton"), _dir.File("elsewhere"));

        Refused(Compile(First));
        var forced = Compile(First, force: true);
        Refused(forced);
        Assert.Contains("'triton'", forced.Error);

        Assert.Equal("theirs", File.ReadAllText(theirs));
        Assert.Equal(["jetson-nano/", "jetson-nano/part0/", "jetson-nano/part0/config.pbtxt"], Entries(_dir.File("elsewhere")));
        Assert.NotNull(new FileInfo(Path.Combine(Output, "triton")).LinkTarget);
    }

    [Fact]
    public void ALinkAtAConfigIsRefusedEvenWithForceAndItsTargetIsKept()
    {
        Compiles(First);
        var victim = _dir.WriteText("victim.txt", "keep");
        var config = Path.Combine(Output, "triton", "jetson-nano", "part0", "config.pbtxt");
        File.Delete(config);
        File.CreateSymbolicLink(config, victim);

        var forced = Compile(First, force: true);

        Refused(forced);
        Assert.Contains("'triton/jetson-nano/part0/config.pbtxt'", forced.Error);
        Assert.Equal("keep", File.ReadAllText(victim));
        Assert.NotNull(new FileInfo(config).LinkTarget);
    }

    [Fact]
    public void AnEngineAndAUsersModelInARepositoryAreLeftAloneByAForcedRerun()
    {
        Compiles(First);
        var engine = Path.Combine(Output, "triton", "jetson-nano", "part0", "1", "model.plan");
        File.WriteAllText(engine, "engine");
        var yolo = _dir.WriteText("out/triton/jetson-nano/yolo/config.pbtxt", "theirs");

        var plain = Compile(First);
        Refused(plain);
        Assert.Contains("'triton/jetson-nano/part0/1/model.plan'", plain.Error);

        Compiles(First, force: true);
        Assert.Equal("engine", File.ReadAllText(engine));
        Assert.Equal("theirs", File.ReadAllText(yolo));
        Assert.StartsWith("# Triton model configuration of part0", File.ReadAllText(Path.Combine(Output, "triton", "jetson-nano", "part0", "config.pbtxt")));
        Assert.DoesNotContain(Manifest(), n => n.Contains("yolo") || n.EndsWith("model.plan"));

        // The plan moves off jetson-nano: its config goes; the folders holding their files stay, with only those.
        Compiles(Second, force: true);
        Assert.Equal(["part0/", "part0/1/", "part0/1/model.plan", "yolo/", "yolo/config.pbtxt"], Entries(Path.Combine(Output, "triton", "jetson-nano")));
        Assert.DoesNotContain(Manifest(), n => n.StartsWith("triton/jetson-nano/"));
        Assert.Equal("engine", File.ReadAllText(engine));
    }

    [Fact]
    public void AManifestEntryInAFolderItDoesNotListIsRefused()
    {
        var config = _dir.WriteText("out/triton/jetson-nano/part0/config.pbtxt", "theirs");
        File.WriteAllText(Path.Combine(Output, OutputManifest.FileName), "triton/jetson-nano/part0/config.pbtxt\n");

        Refused(Compile(First, force: true), "OCD1409");

        Assert.Equal("theirs", File.ReadAllText(config));
    }

    [Theory]
    [InlineData(OutputStep.Staged)]
    [InlineData(OutputStep.Swapped)]
    [InlineData(OutputStep.OldSetRemoved)]
    public void AKillAfterEachStepOfANestedSetLeavesOneCompleteSetAndTheNextRunCleansUp(OutputStep step)
    {
        Dictionary<string, string> old = new() { ["plan.json"] = "old", ["triton/a/m/config.pbtxt"] = "old a" };
        Dictionary<string, string> killed = new() { ["plan.json"] = "new", ["triton/b/m/config.pbtxt"] = "new b" };
        Dictionary<string, string> third = new() { ["plan.json"] = "third", ["triton/c/m/config.pbtxt"] = "third c" };
        WriteSet(old);
        Assert.ThrowsAny<InvalidOperationException>(() => WriteSet(killed, new OutputFolderOptions
        {
            AfterStep = s => { if (s == step) throw new InvalidOperationException("killed"); },
            CleanUpAfterFailure = false,
        }));
        var held = step == OutputStep.Staged ? old : killed;
        foreach (var (name, text) in held) Assert.Equal(text, File.ReadAllText(Path.Combine(Output, name)));

        WriteSet(third);

        Assert.Equal(["plan.json", "triton/", "triton/c/", "triton/c/m/", "triton/c/m/config.pbtxt"], Entries(Output));
        Assert.Equal(Entries(Output), Manifest());
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    private void WriteSet(IReadOnlyDictionary<string, string> files, OutputFolderOptions? options = null)
    {
        using var folder = new OutputFolder(OutputClaim.Check(Output, [], false, _ => true), options);
        foreach (var (name, text) in files) AtomicFile.WriteText(folder.File(name), text);
        folder.Commit();
    }
}
