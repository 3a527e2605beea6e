using Google.Protobuf;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.MSBuild;

/// <summary>
/// What the compiler hands the MSBuild task, in process: `--diagnostics FILE` (severity, code, file, option, message,
/// tab-separated) and `compile --dependency-file FILE` (every file it read).
/// </summary>
public sealed class CompilerDiagnosticsFileTests
{
    [Fact]
    public void An_option_error_names_its_option_and_an_error_in_a_file_names_the_file()
    {
        using var scratch = new ScratchDirectory();
        var diagnostics = scratch.File("d.tsv");

        var run = CliRun.Of("--diagnostics=" + diagnostics, "compile", "--sample", "repvgg-a0", "-o", scratch.File("out"), "--devices", "jetson-nano");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error\tOCD1604\t\t--devices\t--devices needs at least two devices (one per part), got 'jetson-nano'"], File.ReadAllLines(diagnostics));

        var usage = CliRun.Of("--diagnostics=" + diagnostics, "compile", "--sample", "repvgg-a0", "-o", scratch.File("out"), "--precision", "int9");
        Assert.Equal(2, usage.ExitCode);
        Assert.Equal(["error", "OCD1401", "", "--precision"], File.ReadAllLines(diagnostics).Single().Split('\t')[..4]);

        var model = scratch.File("cut.onnx");
        var bytes = SampleModels.RepVggGrouped().ToByteArray();
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        var truncated = CliRun.Of("--diagnostics=" + diagnostics, "compile", model, "-o", scratch.File("out"));
        Assert.Equal(1, truncated.ExitCode);
        Assert.Equal(["error", "OCD1004", model, ""], File.ReadAllLines(diagnostics).Single().Split('\t')[..4]);
    }

    [Fact]
    public void A_warning_is_recorded_with_its_code_and_a_clean_run_writes_an_empty_file()
    {
        using var scratch = new ScratchDirectory();
        var model = scratch.File("net.onnx");
        var symbolic = SampleModels.RepVggGrouped();
        symbolic.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam = "N";
        File.WriteAllBytes(model, symbolic.ToByteArray());
        var diagnostics = scratch.File("d.tsv");

        var run = CliRun.Of("--diagnostics=" + diagnostics, "compile", model, "-o", scratch.File("out"));

        Assert.Equal(0, run.ExitCode);
        var warning = File.ReadAllLines(diagnostics).First().Split('\t');
        Assert.Equal(["warning", "OCW2001", model, ""], warning[..4]);
        Assert.Contains($"{model}: warning OCW2001: {warning[4]}", run.Error);

        var bound = CliRun.Of("--diagnostics=" + diagnostics, "compile", model, "-o", scratch.File("out"), "--shape", "N=1");
        Assert.Equal(0, bound.ExitCode);
        Assert.Equal("", File.ReadAllText(diagnostics));
    }

    [Fact]
    public void Dependency_file_lists_the_model_its_external_data_and_a_profile_file()
    {
        using var scratch = new ScratchDirectory();
        var model = scratch.File("net.onnx");
        ModelSaver.Save(SampleModels.RepVggGrouped(), model, forceExternal: true);
        var profile = scratch.File("nano.json");
        Assert.Equal(0, CliRun.Of("devices", "jetson-nano", "--json", profile).ExitCode);
        var deps = scratch.File("net.deps");

        var run = CliRun.Of("compile", model, "-o", scratch.File("out"), "--devices", profile + ",jetson-xavier-nx", "--dependency-file", deps);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(new[] { model, model + ".data", profile }.Order(StringComparer.Ordinal), File.ReadAllLines(deps));

        // A failed compile leaves the last list as it was.
        var before = File.ReadAllText(deps);
        Assert.Equal(1, CliRun.Of("compile", model, "-o", scratch.File("out"), "--devices", "jetson-nano", "--dependency-file", deps).ExitCode);
        Assert.Equal(before, File.ReadAllText(deps));
    }
}
