using System.Buffers.Binary;
using System.Text.RegularExpressions;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Report;

/// <summary>
/// report.html in a real browser (headless chromium): it loads without console messages or errors, and the DOM
/// it builds has both charts with one roof per device, one point per part with a model, one sweep point per cut
/// and series, the chosen cut, the front and every block. The expected counts come from plan.json.
/// </summary>
public sealed class ReportBrowserTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string[]> Cases => new()
    {
        { "detector", ["--sample", "detector", "--link", "1Gbps", "--objective", "throughput"] },
        { "three-devices", ["--sample", "repvgg-grouped", "--cost-model", "paper", "--devices", "jetson-tx2,jetson-nano,rtx-4090", "--link", "20Mbps"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheBrowserBuildsBothChartsWithEveryMark(string name, string[] args)
    {
        var output = _dir.File(name);
        Assert.Equal(0, CliRun.Of(["compile", .. args, "-o", output]).ExitCode);
        var expected = ReportCases.FromPlan(File.ReadAllText(Path.Combine(output, PlanJson.FileName)));

        var result = HeadlessChromium.DumpDom(Path.Combine(output, ReportHtml.FileName));
        Assert.True(result.ExitCode == 0, $"chromium exited with {result.ExitCode}:\n{result.Error}");
        Assert.Empty(result.ConsoleLines);
        var dom = result.Out;
        Assert.Contains("<svg id=\"roofline-chart\"", dom);
        Assert.Contains("<svg id=\"sweep-chart\"", dom);
        Assert.DoesNotContain("<script", dom);

        Assert.Equal(expected.Devices, Count(dom, "polyline", "roof"));
        Assert.Equal(expected.Devices, Count(dom, "circle", "ridge-point"));
        Assert.Equal(expected.PartsWithModels, Count(dom, "circle", "part-point"));
        foreach (var series in new[] { "s1-latency", "best-latency", "s1-throughput", "best-throughput" })
        {
            Assert.Equal(expected.Sweep, Regex.Matches(dom, $"<circle class=\"sweep-point[^\"]*\"[^>]*data-series=\"{series}\"").Count);
        }
        Assert.Equal(4, Count(dom, "polyline", "sweep-line"));
        // One stacked bar per cut (first-device compute, transfer, later-device compute), the FLOPs-share row and the plan's sentence.
        foreach (var segment in new[] { "seg-first", "seg-transfer", "seg-later" })
        {
            Assert.Equal(expected.Sweep, Regex.Matches(dom, $"<rect class=\"seg {segment}\" [^>]*data-cut=").Count);
        }
        Assert.True(Regex.Matches(dom, "<text class=\"tick tick-second\"[^>]*>[0-9.]+%</text>").Count >= 3);
        Assert.Matches("<p id=\"plan-sentence\" class=\"plan-sentence\">(Cut|Everything)[^<]+ frames/s, [^<]+ ms latency[.]</p>", dom);
        Assert.Equal(1, Count(dom, "line", "chosen-cut"));
        Assert.Equal(expected.Pareto, Count(dom, "circle", "pareto-point"));
        Assert.Equal(expected.Blocks, Count(dom, "rect", "block-strategy"));
    }

    [Fact]
    public void TheReportRendersToAScreenshot()
    {
        var output = _dir.File("a0");
        Assert.Equal(0, CliRun.Of("compile", "--sample", "repvgg-a0", "-o", output).ExitCode);
        var png = _dir.File("report.png");
        var result = HeadlessChromium.Screenshot(Path.Combine(output, ReportHtml.FileName), png, 1100, 3000);
        Assert.True(result.ExitCode == 0, $"chromium exited with {result.ExitCode}:\n{result.Error}");
        Assert.Empty(result.ConsoleLines);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(1100, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16))); // IHDR width
        Assert.Equal(3000, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))); // IHDR height
        Assert.True(bytes.Length > 50_000, $"a {bytes.Length}-byte screenshot of the whole report is suspiciously small");
    }

    /// <summary>Elements of a tag whose class list starts with the class (how the report writes them).</summary>
    private static int Count(string dom, string tag, string cls) => Regex.Matches(dom, $"<{tag} class=\"{cls}[ \"]").Count;
}
