using OnnxCoDesign.Compiler.Cli;

namespace OnnxCoDesign.Tests.Simulation;

/// <summary>The progress line: quiet unless asked to draw, one rewritten line when it is, cleared at the end.</summary>
public sealed class ProgressTests
{
    private static CliOutput Captured(out StringWriter error)
    {
        error = new StringWriter();
        return new CliOutput(new StringWriter(), error);
    }

    [Fact]
    public void CapturedWritersAreNotATerminal()
    {
        var output = Captured(out var error);
        Assert.False(Progress.Interactive(output));
        using (var p = Progress.For(output))
        {
            Assert.False(p.Enabled);
            for (var i = 0; i <= 10; i++) p.Report("work", i, 10);
        }
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void WhenEnabledItRewritesOneLineAndClearsIt()
    {
        var output = Captured(out var error);
        using (var p = new Progress(output, enabled: true))
        {
            p.Report("simulate a long name", 0, 4);
            p.Report("simulate b", 4, 4); // the last step always shows
        }
        var text = error.ToString();
        Assert.DoesNotContain("\n", text);
        Assert.StartsWith("\rsimulate a long name  0/4 (0%)", text);
        Assert.Contains("\rsimulate b  4/4 (100%)", text);
        Assert.EndsWith("\r", text);
        // The shorter second line is padded over the first, and the end blanks the line it left.
        var last = text.Split('\r', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.True(string.IsNullOrWhiteSpace(last));
    }
}
