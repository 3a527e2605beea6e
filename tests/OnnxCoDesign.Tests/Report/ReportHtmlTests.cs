using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Compiler.Emit.Html;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Report;

/// <summary>report.html as text: self-contained, deterministic, encoded, and its charts' geometry right.</summary>
public sealed class ReportHtmlTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void CompileWritesTheReportBesideThePlanAndSaysSo()
    {
        var output = _dir.File("out");
        var run = CliRun.Of("compile", "--sample", "repvgg-grouped", "-o", output);
        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(output, ReportHtml.FileName)));
        Assert.Contains("report.html", run.Out.Split('\n').Single(l => l.StartsWith("wrote ", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheReportIsSelfContainedAndHasNoScript()
    {
        var html = ReportHtml.Write(ReportCases.Compile("repvgg-grouped"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"", html);
        foreach (var banned in new[] { "<script", "src=", "href=", "url(", "@import", "http://", "https://", "<link", "<img", "<iframe", "onload" })
        {
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);
        }
        foreach (var id in new[] { RooflineChart.Id, SweepChart.Id, ParetoChart.Id, StrategyStrip.Id, "parts-table", "transfers-table", "baselines-table" })
        {
            Assert.Contains($"id=\"{id}\"", html);
        }
        Assert.DoesNotContain("\r", html);
        Assert.DoesNotContain(DateTime.UtcNow.Year.ToString(CultureInfo.InvariantCulture) + "-", html); // no date stamped in
    }

    [Fact]
    public void TheSameCompileGivesTheSameReport()
    {
        var a = ReportHtml.Write(ReportCases.Compile("detector"));
        var b = ReportHtml.Write(ReportCases.Compile("detector"));
        Assert.Equal(a, b);
    }

    [Fact]
    public void NamesAreHtmlEncoded()
    {
        var html = ReportHtml.Write(ReportCases.Compile("repvgg-grouped", displayName: "<i>m</i> & \"q\""));
        Assert.DoesNotContain("<i>m</i>", html);
        Assert.Contains("&lt;i&gt;m&lt;/i&gt; &amp; &quot;q&quot;", html);
    }

    [Fact]
    public void EverySvgIsWellFormedXml()
    {
        var html = ReportHtml.Write(ReportCases.Compile("repvgg-grouped", "jetson-tx2,jetson-nano,rtx-4090", "20Mbps", Objective.Latency, 0));
        var svgs = Svgs(html);
        Assert.Equal(4, svgs.Count);
        Assert.All(svgs, s => Assert.Equal("svg", s.Root!.Name.LocalName));
    }

    [Fact]
    public void PartsSitOnTheirDevicesRoofsAtTheirIntensity()
    {
        var o = ReportCases.Compile("detector");
        var svg = Svgs(ReportHtml.Write(o)).Single(s => (string?)s.Root!.Attribute("id") == RooflineChart.Id).Root!;
        var roofs = svg.Descendants().Where(e => Has(e, "roof")).ToList();
        var points = svg.Descendants().Where(e => Has(e, "part-point")).ToList();
        Assert.Equal(o.Settings.Devices.Count, roofs.Count);
        Assert.Equal(o.Plan.Parts.Count(p => p.Model is not null), points.Count);

        // Intensity counts the part's bytes at the plan's precision.
        var scale = RooflineTime.BytesScale(o.Settings.Precision);
        foreach (var p in RooflineChart.Points(o)) Assert.Equal(p.Part.Flops / (p.Part.Bytes * scale), p.Intensity, 9);

        // On a log-log chart each roof is two straight pixel segments: every part point lies on its device's.
        foreach (var point in points)
        {
            var device = (string)point.Attribute("data-device")!;
            var roof = roofs.Single(r => (string?)r.Attribute("data-device") == device);
            var vertices = ((string)roof.Attribute("points")!).Split(' ').Select(v => v.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToList();
            Assert.Equal(3, vertices.Count); // start of the slope, the ridge, the end of the flat roof
            var (x, y) = ((double)point.Attribute("cx")!, (double)point.Attribute("cy")!);
            var segment = vertices.Zip(vertices.Skip(1)).Single(s => s.First[0] <= x + 0.05 && x <= s.Second[0] + 0.05);
            var expected = segment.First[1] + (x - segment.First[0]) / (segment.Second[0] - segment.First[0]) * (segment.Second[1] - segment.First[1]);
            Assert.InRange(y, expected - 0.3, expected + 0.3); // coordinates are written to 0.1 px
        }
    }

    [Fact]
    public void EachDeviceAndPartIsDrawnAtItsOwnPrecision()
    {
        // int8 is the lowest allowed: the Nano has no int8 path and runs fp16, the Xavier NX runs int8.
        var o = ReportCases.Compile("repvgg-a0", precision: Precision.Int8);
        Assert.Equal([Precision.Fp16, Precision.Int8], o.Plan.Parts.Select(p => p.Precision));
        Assert.All(o.Plan.Parts, p => Assert.NotNull(p.Model));
        foreach (var p in RooflineChart.Points(o))
        {
            var d = p.Part.Device;
            Assert.Equal(p.Part.Flops / (p.Part.Bytes * RooflineTime.BytesScale(p.Part.Precision)), p.Intensity, 9);
            Assert.Equal(Math.Min(d.Peak(p.Part.Precision), p.Intensity * d.MemoryBandwidth), p.Attainable, 3);
        }
        var html = ReportHtml.Write(o);
        Assert.Contains("jetson-nano at fp16: ", html);
        Assert.Contains("jetson-xavier-nx at int8: ", html);
        Assert.Contains("<td>part0</td><td>jetson-nano</td><td>fp16</td>", html);
        Assert.Contains("<td>part1</td><td>jetson-xavier-nx</td><td>int8</td>", html);
        Assert.Contains(", int8 (lowest allowed; part0 fp16), ", html);
    }

    [Fact]
    public void TheSweepHasAPointPerCutPerSeriesAndMarksTheChosenCut()
    {
        var o = ReportCases.Compile("repvgg-grouped");
        var svg = Svgs(ReportHtml.Write(o)).Single(s => (string?)s.Root!.Attribute("id") == SweepChart.Id).Root!;
        foreach (var (series, _, _, _) in SweepChart.Series)
        {
            var points = svg.Descendants().Where(e => Has(e, "sweep-point") && (string?)e.Attribute("data-series") == series).ToList();
            Assert.Equal(o.Search.Sweep.Count, points.Count);
            Assert.Equal(o.Search.Sweep.Select(p => p.Boundary.ToString(CultureInfo.InvariantCulture)), points.Select(p => (string)p.Attribute("data-cut")!));
        }
        Assert.Equal(4, svg.Descendants().Count(e => Has(e, "sweep-line")));
        var cut = svg.Descendants().Single(e => Has(e, "chosen-cut"));
        var chosenPoint = svg.Descendants().First(e => Has(e, "sweep-point") && (string?)e.Attribute("data-cut") == o.Search.Chosen.Choice.Cuts[0].ToString(CultureInfo.InvariantCulture));
        Assert.Equal((double)chosenPoint.Attribute("cx")!, (double)cut.Attribute("x1")!, 1);
        Assert.Equal(2 * o.Search.Baselines.Count, svg.Descendants().Count(e => Has(e, "baseline-mark") && e.Attribute("data-baseline") is not null));
    }

    [Fact]
    public void TheParetoChartAndStripShowEveryPlanAndBlock()
    {
        var o = ReportCases.Compile("repvgg-a0", lambda: 0.001);
        var svgs = Svgs(ReportHtml.Write(o));
        var pareto = svgs.Single(s => (string?)s.Root!.Attribute("id") == ParetoChart.Id).Root!;
        Assert.Equal(o.Search.Front.Count, pareto.Descendants().Count(e => Has(e, "pareto-point")));
        Assert.Single(pareto.Descendants(), e => Has(e, "pareto-chosen"));
        Assert.Single(pareto.Descendants(), e => Has(e, "pareto-step"));
        var strip = svgs.Single(s => (string?)s.Root!.Attribute("id") == StrategyStrip.Id).Root!;
        var cells = strip.Descendants().Where(e => Has(e, "block-strategy")).ToList();
        Assert.Equal(o.Plan.Fusion.Blocks.Count, cells.Count);
        Assert.Equal(o.Plan.Fusion.Blocks.Select(b => $"S{(int)b.Strategy}"), cells.OrderBy(c => (int)c.Attribute("data-block")!).Select(c => (string)c.Attribute("data-strategy")!));
    }

    private static bool Has(XElement e, string cls) => ((string?)e.Attribute("class"))?.Split(' ').Contains(cls) == true;

    private static List<XDocument> Svgs(string html) =>
        Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline).Select(m => XDocument.Parse(m.Value)).ToList();
}
