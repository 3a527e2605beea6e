using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>What the convention tests run the commands on, made once: a small model, its fused form and a compiled plan.</summary>
public sealed class CliFixture : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public CliFixture()
    {
        Model = _dir.File("grouped.onnx");
        BadModels.Write(SampleModels.RepVggGrouped(), Model);
        Fused = _dir.File("fused.onnx");
        var fuse = CliRun.Of("fuse", Model, "-o", Fused);
        if (fuse.ExitCode != 0) throw new InvalidOperationException("fixture: fuse failed: " + fuse.Error);
        var compile = CliRun.Of("compile", Model, "-o", _dir.File("compiled"));
        if (compile.ExitCode != 0) throw new InvalidOperationException("fixture: compile failed: " + compile.Error);
        Plan = Path.Combine(_dir.File("compiled"), "plan.json");
    }

    public string Model { get; }

    public string Fused { get; }

    public string Plan { get; }

    public void Dispose() => _dir.Dispose();
}
