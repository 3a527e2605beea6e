using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Startup;

/// <summary>
/// ONNX Runtime (its managed assembly and libonnxruntime) and SkiaSharp are loaded only by the commands that run a
/// model or decode an image: the compiler is run as a process of its own with CODESIGN_LOADED_MODULES set, and the
/// list it writes at exit (managed assemblies; native libraries mapped, from /proc/self/maps) is read back.
/// </summary>
public sealed class RuntimeLoadingTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> CommandsThatRunNoModel => new()
    {
        "--help",
        "sample",
        "sample detector -o {dir}/written.onnx",
        "devices",
        "analyze --sample detector",
        "analyze {dir}/model.onnx --json {dir}/analysis.json",
        "compile --sample detector -o {dir}/out",
        "compile {dir}/model.onnx -o {dir}/out --devices jetson-nano,jetson-xavier-nx,rtx-4090 --json {dir}/plan.json",
        "fuse {dir}/model.onnx -o {dir}/fused.onnx",
    };

    [Theory]
    [MemberData(nameof(CommandsThatRunNoModel))]
    public void Commands_that_run_no_model_load_neither_ONNX_Runtime_nor_SkiaSharp(string command)
    {
        var loaded = Run(command);

        Assert.Contains("assembly dotnet-codesign-compile", loaded); // the list is the process's own
        Assert.DoesNotContain(loaded, line => line.Contains("OnnxRuntime", StringComparison.OrdinalIgnoreCase) || line.Contains("onnxruntime", StringComparison.Ordinal));
        Assert.DoesNotContain(loaded, line => line.Contains("SkiaSharp", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("verify {dir}/model.onnx {dir}/model.onnx --inputs 1")]
    [InlineData("compile --sample detector -o {dir}/out --verify --inputs 1")]
    public void Commands_that_run_a_model_load_ONNX_Runtime_managed_and_native(string command)
    {
        var loaded = Run(command);

        Assert.Contains("assembly Microsoft.ML.OnnxRuntime", loaded);
        if (OperatingSystem.IsLinux()) Assert.Contains("native libonnxruntime.so", loaded);
        Assert.DoesNotContain(loaded, line => line.Contains("SkiaSharp", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Without_the_variable_nothing_is_written()
    {
        var (exit, _, error) = CompilerProcess.Run(_dir.Path, new() { [LoadedModules.Variable] = null }, "devices");

        Assert.True(exit == 0, error);
        Assert.Empty(_dir.Files());
    }

    /// <summary>Runs COMMAND ({dir} is the scratch folder, where model.onnx is the detector sample); returns the list.</summary>
    private string[] Run(string command)
    {
        var model = _dir.File("model.onnx");
        if (!File.Exists(model))
        {
            var written = CliRun.Of("sample", "detector", "-o", model);
            Assert.True(written.ExitCode == 0, written.Error);
        }
        var list = _dir.File("loaded.txt");
        var args = command.Replace("{dir}", _dir.Path, StringComparison.Ordinal).Split(' ');
        var (exit, stdout, error) = CompilerProcess.Run(_dir.Path, new() { [LoadedModules.Variable] = list }, args);
        Assert.True(exit == 0, $"{command}: exit {exit}\n{stdout}\n{error}");
        Assert.True(File.Exists(list), $"{command} wrote no list");
        return File.ReadAllLines(list);
    }
}
