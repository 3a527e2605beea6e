using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Startup;

/// <summary>
/// CODESIGN_MEMORY_TRACE=FILE: a compile run as a process of its own appends one line per phase, in order, each with
/// its heap, working set and peak RSS; without the variable nothing is written.
/// </summary>
public sealed class MemoryTraceTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_compile_traces_its_phases_in_order_with_a_peak_that_never_falls()
    {
        var trace = _dir.File("trace.txt");
        var (exit, stdout, error) = CompilerProcess.Run(_dir.Path, new() { [MemoryTrace.Variable] = trace }, "compile", "--sample", "detector", "-o", _dir.File("out"));
        Assert.True(exit == 0, $"{stdout}\n{error}");

        var lines = File.ReadAllLines(trace);
        var phases = lines.Select(l => l[..28].TrimEnd()).ToList();
        string[] expected = ["opened", "build", "folded", "base analysis", "variant S1", "variant S2", "variant S3", "variant S4", "planning model", "problem", "search", "realized", "compiled"];
        Assert.Equal(expected, phases.Take(expected.Length));
        Assert.Contains(phases, p => p.StartsWith("saved part", StringComparison.Ordinal));
        Assert.Equal("written", phases[^1]);
        var peaks = lines.Select(l => double.Parse(l.Split("peak")[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (OperatingSystem.IsLinux()) Assert.All(peaks, p => Assert.True(p > 0));
        Assert.Equal(peaks.Order(), peaks);
    }

    [Fact]
    public void Without_the_variable_nothing_is_written()
    {
        var (exit, _, error) = CompilerProcess.Run(_dir.Path, new() { [MemoryTrace.Variable] = null }, "compile", "--sample", "detector", "-o", _dir.File("out"));

        Assert.True(exit == 0, error);
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }
}
