using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>
/// Usage across every command: did-you-mean for misspelt commands and options, an Examples section in each
/// help, output folders checked before any work, one mapping from error code to exit code, and --debug.
/// </summary>
public sealed class CliUsageTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Commands => new() { "analyze", "sample", "compile", "fuse", "verify", "devices", "simulate", "probe", "measure" };

    [Fact]
    public void AMisspeltCommandGetsTheClosestName()
    {
        var run = CliRun.Of("compil", "--sample", "repvgg-a0", "-o", _dir.File("out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error OCD1401: Unrecognized command or argument 'compil'; did you mean 'compile'?", run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(_dir.Files());
    }

    [Theory]
    [InlineData("analyze", "--jsn", "--json")]
    [InlineData("sample", "--outptu", "--output")]
    [InlineData("compile", "--devics", "--devices")]
    [InlineData("fuse", "--strategi", "--strategy")]
    [InlineData("verify", "--tolerence", "--tolerance")]
    [InlineData("devices", "--jsno", "--json")]
    [InlineData("simulate", "--rate", "--rates")]
    [InlineData("probe", "--warmpu", "--warmup")]
    [InlineData("measure", "--cut", "--cuts")]
    [InlineData("compile", "--debg", "--debug")]
    [InlineData("fuse", "--precison=fp16", "--precision")]
    public void AMisspeltOptionGetsTheClosestName(string command, string typed, string meant)
    {
        var run = CliRun.Of(command, typed, "x");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"did you mean '{meant}'?", run.Error);
    }

    [Fact]
    public void NothingIsSuggestedWhenNoNameIsClose()
    {
        var run = CliRun.Of("analyze", "--completely-different", "x");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unrecognized option '--completely-different'", run.Error);
        Assert.DoesNotContain("did you mean", run.Error);
        Assert.Equal(1, DidYouMean.Distance("--jsn", "--json"));
        Assert.Equal(2, DidYouMean.Distance("compiel", "compile"));
        Assert.Null(DidYouMean.Closest("xyz", ["compile", "fuse"]));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryHelpNamesTheRunnableCommandAndEndsWithExamples(string command)
    {
        var run = CliRun.Of(command, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"Usage: dotnet codesign-compile {command} ", run.Out);
        var examples = run.Out.IndexOf("\nExamples:\n", StringComparison.Ordinal);
        Assert.True(examples > 0, "no Examples section");
        var lines = run.Out[examples..].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith($"  dotnet codesign-compile {command}", l));
        Assert.Contains("--debug", run.Out);
    }

    [Fact]
    public void TheToolsOwnHelpNamesDotnetCodesignCompile()
    {
        var run = CliRun.Of("--help");
        Assert.Contains("Usage: dotnet codesign-compile [options] [command]", run.Out);
        Assert.Contains("Examples:", run.Out);
        Assert.DoesNotContain("Usage: codesign-compile", run.Out);
    }

    /// <summary>
    /// Each output option under a folder that does not exist, on inputs that would fail (a missing model or plan) or
    /// take long (a probe): the usage error must come first, so nothing was loaded, probed or written.
    /// </summary>
    public static TheoryData<string[]> MissingOutputParents => new()
    {
        new[] { "analyze", "missing.onnx", "--json", "nowhere/a.json" },
        new[] { "analyze", "missing.onnx", "--csv", "nowhere/a.csv" },
        new[] { "sample", "repvgg-a0", "-o", "nowhere/a0.onnx" },
        new[] { "sample", "--json", "nowhere/list.json" },
        new[] { "compile", "missing.onnx", "-o", "nowhere/out" },
        new[] { "compile", "missing.onnx", "-o", "out", "--json", "nowhere/plan.json" },
        new[] { "fuse", "missing.onnx", "-o", "nowhere/fused.onnx" },
        new[] { "fuse", "missing.onnx", "-o", "fused.onnx", "--json", "nowhere/fuse.json" },
        new[] { "verify", "missing.onnx", "missing2.onnx", "--json", "nowhere/verify.json" },
        new[] { "devices", "missing-profile.json", "--json", "nowhere/d.json" },
        new[] { "simulate", "missing/plan.json", "--rates", "10", "--requests", "5", "--json", "nowhere/s.json" },
        new[] { "probe", "-o", "nowhere/host.json" },
        new[] { "probe", "-o", "host.json", "--plain-output", "nowhere/plain.json" },
        new[] { "measure", "missing.onnx", "--json", "nowhere/m.json" },
    };

    [Theory]
    [MemberData(nameof(MissingOutputParents))]
    public void AnOutputUnderAMissingFolderIsAUsageErrorBeforeAnyWork(string[] args)
    {
        // Relative names live in the scratch folder: inputs that do not exist, outputs under "nowhere/".
        var resolved = args.Select(a => a.Contains('/') || a.EndsWith(".onnx") || a.EndsWith(".json") || a.EndsWith(".csv") || a == "out" ? _dir.File(a) : a).ToArray();
        var run = CliRun.Of(resolved);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error OCD1401:", run.Error);
        Assert.Contains($"the folder '{_dir.File("nowhere")}' does not exist", run.Error);
        Assert.DoesNotContain("OCD10", run.Error);   // no input was opened
        Assert.DoesNotContain("probing", run.Error); // no host was probed
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(run.Out);
        Assert.Empty(_dir.Listing());
    }

    [Theory]
    [InlineData(ErrorCodes.UsageError, 2)]
    [InlineData("OCD9999", 70)]
    [InlineData("OCD1001", 1)]
    [InlineData("OCD1308", 1)]
    [InlineData("OCD1701", 1)]
    public void OneMappingFromErrorCodeToExitCode(string code, int exit) => Assert.Equal(exit, ExitCodes.For(code));

    /// <summary>OCD1401 raised in the library (the model source, the strategy parser) exits 2 as the parser's does.</summary>
    [Theory]
    [InlineData("analyze", "model.onnx", "--sample", "repvgg-a0")]
    [InlineData("fuse", "--sample", "repvgg-a0", "-o", "x.onnx", "--strategy", "S9")]
    [InlineData("analyze")]
    public void AUsageErrorExitsTwoWhereverItIsDetected(params string[] args)
    {
        var run = CliRun.Of(args.Select(a => a.EndsWith(".onnx") ? _dir.File(a) : a).ToArray());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error OCD1401:", run.Error);
        Assert.Empty(_dir.Listing());
    }

    [Fact]
    public void AnInternalErrorIsOneLineWithoutDebugAndTheWholeTraceWithIt()
    {
        var plain = Failing("devices");
        Assert.Equal(70, plain.ExitCode);
        Assert.Matches(@"^codesign-compile: error OCD9999: internal error \(IOException\): the writer broke\n$", plain.Error);

        var debug = Failing("devices", "--debug");
        Assert.Equal(70, debug.ExitCode);
        Assert.StartsWith("codesign-compile: error OCD9999: internal error (IOException): the writer broke\n", debug.Error);
        Assert.Contains("System.IO.IOException: the writer broke", debug.Error);
        Assert.Contains("   at ", debug.Error);

        var before = Failing("--debug", "devices");
        Assert.Contains("   at ", before.Error);
    }

    [Fact]
    public void TheEnvironmentNoLongerChangesErrorHandling()
    {
        var was = Environment.GetEnvironmentVariable("CODESIGN_DEBUG");
        Environment.SetEnvironmentVariable("CODESIGN_DEBUG", "1");
        try
        {
            var run = Failing("devices");
            Assert.Equal(70, run.ExitCode);
            Assert.DoesNotContain("   at ", run.Error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CODESIGN_DEBUG", was);
        }
    }

    /// <summary>Runs the CLI with a stdout that throws (a broken pipe, say): an exception that carries no code.</summary>
    private static CliRun Failing(params string[] args)
    {
        var stderr = new StringWriter { NewLine = "\n" };
        var code = CodesignCli.Run(args, new CliOutput(new BrokenWriter(), stderr));
        return new CliRun(code, "", stderr.ToString());
    }

    private sealed class BrokenWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("the writer broke");

        public override void Write(string? value) => throw new IOException("the writer broke");
    }
}
