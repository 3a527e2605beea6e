using System.Text.RegularExpressions;
using Google.Protobuf;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.MSBuild;

/// <summary>
/// Real `dotnet build` and `dotnet clean` runs of a project that references OnnxCoDesign.MSBuild from the test feed:
/// the targets, the task and the packaged compiler together, no MSBuild mocks.
/// </summary>
[Collection(PackagedFeedCollection.Name)]
public sealed class MSBuildPackageTests(PackagedFeed feed)
{
    private const string Compiled = "net.onnx -> ";
    private const string ManifestName = ".codesign-manifest";

    [Fact]
    public void Build_compiles_a_model_once_and_again_only_when_one_of_its_inputs_changes()
    {
        var project = new ConsumerProject(feed, "consumer", Path.Combine("models", "net.onnx"), """Devices="jetson-nano,jetson-xavier-nx" Calibration="models/calibration.npy" """);
        ModelSaver.Save(SampleModels.RepVggGrouped(), project.ModelPath, forceExternal: true);
        var calibration = Path.Combine(project.Folder, "models", "calibration.npy");
        File.WriteAllBytes(calibration, CalibrationFiles.Bytes("repvgg-grouped"));
        Assert.True(File.Exists(project.ModelPath + ".data"));

        var first = Succeeds(project.Build());
        Assert.Contains(Compiled, first.Output);
        var outputs = ConsumerProject.FileNames(project.OutputDir);
        Assert.Contains("plan.json", outputs);
        Assert.Contains("build-engines.sh", outputs);
        Assert.Contains("part0.onnx", outputs);
        Assert.Contains(ManifestName, outputs);
        // The manifest describes OutputDir; it is not an output to copy.
        Assert.Equal(outputs.Where(n => n != ManifestName), ConsumerProject.FileNames(project.CopiedDir));

        var built = project.Snapshot();
        var again = Succeeds(project.Build());
        Assert.DoesNotContain(Compiled, again.Output);
        Assert.Equal(built, project.Snapshot());

        File.SetLastWriteTimeUtc(project.ModelPath, DateTime.UtcNow);
        AssertCompiledAgain(project, Succeeds(project.Build()), built);

        var touched = project.Snapshot();
        File.SetLastWriteTimeUtc(project.ModelPath + ".data", DateTime.UtcNow);
        AssertCompiledAgain(project, Succeeds(project.Build()), touched);

        var beforeOption = project.Snapshot();
        AssertCompiledAgain(project, Succeeds(project.Build("-p:OnnxCoDesignPrecision=int8")), beforeOption);
        Assert.Matches(new Regex("\"precision\":\\s*\"int8\""), File.ReadAllText(Path.Combine(project.OutputDir, "plan.json")));
        // Wire metadata reaches --wire: auto by default, fp32 from the property.
        Assert.Matches(new Regex("\"wire\":\\s*\"auto\""), File.ReadAllText(Path.Combine(project.OutputDir, "plan.json")));
        var beforeWire = project.Snapshot();
        AssertCompiledAgain(project, Succeeds(project.Build("-p:OnnxCoDesignWire=fp32")), beforeWire);
        Assert.Matches(new Regex("\"wire\":\\s*\"fp32\""), File.ReadAllText(Path.Combine(project.OutputDir, "plan.json")));

        Succeeds(project.Clean());
        Assert.False(Directory.Exists(project.OutputDir), "dotnet clean left " + project.OutputDir);
        Assert.Empty(ConsumerProject.FileNames(project.CopiedDir));
        Assert.Empty(Directory.Exists(project.StampDir) ? Directory.GetFiles(project.StampDir, "*.options") : []);
    }

    [Fact]
    public void Project_and_model_paths_with_spaces_build()
    {
        var project = new ConsumerProject(feed, "my consumer app", Path.Combine("my models", "my net.onnx"), """Shape="input=1x3x64x64" """);
        File.WriteAllBytes(project.ModelPath, SampleModels.RepVggGrouped().ToByteArray());

        var build = Succeeds(project.Build());

        Assert.Contains("my net.onnx -> ", build.Output);
        Assert.True(File.Exists(Path.Combine(project.OutputDir, "plan.json")), build.ToString());
        Assert.True(File.Exists(Path.Combine(project.CopiedDir, "build-engines.sh")), build.ToString());
    }

    [Fact]
    public void Truncated_model_fails_the_build_with_its_path_and_code()
    {
        var project = new ConsumerProject(feed, "truncated", Path.Combine("models", "cut.onnx"));
        var bytes = SampleModels.RepVggGrouped().ToByteArray();
        File.WriteAllBytes(project.ModelPath, bytes[..(bytes.Length / 2)]);

        var build = project.Build();

        Assert.True(build.ExitCode != 0, build.ToString());
        // MSBuild parsed the compiler's canonical line into an error with a file and a code, not "exited with code 1".
        Assert.Contains($"{project.ModelPath} : error OCD1004:", build.Output);
        Assert.DoesNotContain("MSB6006", build.Output);
        Assert.False(Directory.Exists(project.OutputDir), "a failed compile left " + project.OutputDir);
    }

    [Fact]
    public void OutputDir_beside_the_model_fails_the_build_with_a_code_and_keeps_the_model()
    {
        var project = new ConsumerProject(feed, "beside", Path.Combine("models", "net.onnx"), """OutputDir="models/" """);
        ModelSaver.Save(SampleModels.RepVggGrouped(), project.ModelPath, forceExternal: true);
        var models = Path.GetDirectoryName(project.ModelPath)!;
        var before = Directory.GetFiles(models).ToDictionary(f => f, File.ReadAllBytes);

        var build = project.Build();

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains("error OCD1405:", build.Output);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(models).Order(StringComparer.Ordinal));
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));

        Succeeds(project.Clean());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
    }

    [Fact]
    public void Clean_deletes_only_the_files_the_manifest_lists()
    {
        var project = new ConsumerProject(feed, "cleaning", Path.Combine("models", "net.onnx"));
        File.WriteAllBytes(project.ModelPath, SampleModels.RepVggGrouped().ToByteArray());
        Succeeds(project.Build());
        var listed = File.ReadAllLines(Path.Combine(project.OutputDir, ManifestName));
        Assert.Contains("plan.json", listed);
        var notes = Path.Combine(project.OutputDir, "notes.txt");
        File.WriteAllText(notes, "mine");

        Succeeds(project.Clean());

        Assert.Equal(["notes.txt"], ConsumerProject.FileNames(project.OutputDir));
        Assert.Equal("mine", File.ReadAllText(notes));
    }

    private static DotNetResult Succeeds(DotNetResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static void AssertCompiledAgain(ConsumerProject project, DotNetResult build, IReadOnlyDictionary<string, DateTime> before)
    {
        Assert.Contains(Compiled, build.Output);
        var plan = Path.GetRelativePath(project.Folder, Path.Combine(project.OutputDir, "plan.json"));
        Assert.True(project.Snapshot()[plan] > before[plan], "plan.json was not written again:\n" + build);
        var copied = Path.GetRelativePath(project.Folder, Path.Combine(project.CopiedDir, "plan.json"));
        Assert.True(project.Snapshot()[copied] > before[copied], "the copy of plan.json was not refreshed:\n" + build);
    }
}
