using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OnnxCoDesign.Compiler.Emit;
using OnnxCoDesign.Compiler.Emit.Html;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Tests.Report;

/// <summary>
/// The report says why (issue 12 item 6): the plan's sentence against figures recomputed from the costs and the
/// transfers, a relay named as one, the stacked time per cut against the scores, the FLOPs-share axis, the Pareto
/// axes spanning the front (a baseline beyond them clipped and labelled), and the legends for solid and hollow points.
/// </summary>
public sealed class ReportExplainsTests
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private const string Num = @"(\d+(?:\.\d+)?)";

    /// <summary>Share of the unfused model's FLOPs in units first..last, summed here from the problem's per-unit FLOPs.</summary>
    private static double Share(CompileOutcome o, int first, int last)
    {
        var flops = o.Costs.Problem.BaseFlops;
        return Enumerable.Range(first, last - first + 1).Sum(u => flops[u]) / flops.Sum();
    }

    /// <summary>A number as printed matches the value to its last printed digit.</summary>
    private static void Printed(string text, double expected)
    {
        var decimals = text.Contains('.') ? text.Length - text.IndexOf('.') - 1 : 0;
        Assert.InRange(double.Parse(text, C), expected - 0.5 * Math.Pow(10, -decimals) - 1e-9, expected + 0.5 * Math.Pow(10, -decimals) + 1e-9);
    }

    private static string Sentence(string html) => WebUtility.HtmlDecode(Regex.Match(html, $"<p id=\"{PlanSentence.Id}\" class=\"plan-sentence\">([^<]*)</p>").Groups[1].Value);

    [Fact]
    public void TheSentenceGivesTheCutTheSharesTheWireThePartsAndTheRates()
    {
        // The issue's detector setup: TX2 → RTX 4090 over 107.4 Mbps with 13 ms latency; the plan cuts.
        var o = ReportCases.Compile("detector", "jetson-tx2,rtx-4090", "107.4Mbps,13ms");
        var choice = o.Search.Chosen.Choice;
        var cut = Assert.Single(choice.Cuts);
        Assert.True(o.Plan.Parts.All(p => p.Model is not null), "the detector's throughput plan was expected to cut the model in two");
        var sentence = Sentence(ReportHtml.Write(o));

        var head = Regex.Match(sentence, $"^Cut after (.+?): {Num}% of the FLOPs on the jetson-tx2 and {Num}% on the rtx-4090, ");
        Assert.True(head.Success, sentence);
        Assert.Equal(o.Costs.Problem.UnitNames[cut], head.Groups[1].Value);
        var units = o.Costs.Problem.Units;
        Printed(head.Groups[2].Value, 100 * Share(o, 0, cut));
        Printed(head.Groups[3].Value, 100 * Share(o, cut + 1, units - 1));

        // The bytes are the crossing float32 tensors' elements at the wire format's size (whichever the planner chose),
        // serialized at 107.4 Mbps, 13 ms on top.
        var transfer = Assert.Single(o.Plan.Transfers);
        var bytes = transfer.Tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d)) * transfer.Wire.ElementBytes();
        var link = Regex.Match(sentence, $", {Num} kB (\\w+) per frame on the link \\({Num} ms at 107.4 Mbps \\+ 13 ms latency\\), ");
        Assert.True(link.Success, sentence);
        Assert.Equal(transfer.Wire.Name(), link.Groups[2].Value);
        Printed(link.Groups[1].Value, bytes / 1e3);
        Printed(link.Groups[3].Value, bytes * 8 / 107.4e6 * 1e3);

        var parts = Regex.Match(sentence, $", {Num} ms on the jetson-tx2 and {Num} ms on the rtx-4090; {Num} frames/s, {Num} ms latency\\.$");
        Assert.True(parts.Success, sentence);
        var score = PlanScore.Of(o.Costs, choice);
        Printed(parts.Groups[1].Value, score.StageSeconds[0] * 1e3);
        Printed(parts.Groups[2].Value, score.StageSeconds[1] * 1e3);
        var period = new[] { score.StageSeconds[0], score.StageSeconds[1], bytes * 8 / 107.4e6 }.Max();
        Printed(parts.Groups[3].Value, 1 / period);
        Printed(parts.Groups[4].Value, (score.StageSeconds.Sum() + bytes * 8 / 107.4e6 + 0.013) * 1e3);
    }

    [Fact]
    public void APlanWithNoCutSaysEverythingOnItsDevice()
    {
        // The seed's setup at 100 Mbps with the whole model on the Nano: only the results cross, as they are (fp32).
        var compiled = ReportCases.Compile("repvgg-a0", link: "100Mbps", objective: Objective.Latency, lambda: 0);
        var o = Forced(compiled, compiled.Costs.Problem.Units - 1);
        Assert.Equal(["part0.onnx", null], o.Plan.Parts.Select(p => p.File));
        var sentence = Sentence(ReportHtml.Write(o));
        var m = Regex.Match(sentence, $"^Everything on the jetson-nano, the results \\({Num} kB fp32\\) from the jetson-nano to the jetson-xavier-nx \\({Num} ms at 100 Mbps\\), {Num} ms on the jetson-nano; ");
        Assert.True(m.Success, sentence);
        var outputs = Assert.Single(o.Plan.Transfers).Tensors.Sum(t => t.Bytes);
        Printed(m.Groups[1].Value, outputs / 1e3);
        Printed(m.Groups[2].Value, outputs * 8 / 100e6 * 1e3);
        Printed(m.Groups[3].Value, o.Plan.Parts[0].PredictedSeconds * 1e3);
        Assert.DoesNotContain("Cut", sentence);
    }

    [Fact]
    public void AnInt8WireIsNamedWithItsBytesInTheSentence()
    {
        // The same detector plan, with every format allowed on the link (what --wire auto will give): the cut's
        // float32 tensors travel as int8, a quarter of their fp32 bytes.
        var fp32 = ReportCases.Compile("detector", "jetson-tx2,rtx-4090", "107.4Mbps,13ms");
        var costs = new StageCosts(fp32.Costs.Problem with { AllowedWires = [WireFormats.All] });
        var search = PlanSearch.Run(costs);
        var o = fp32 with { Costs = costs, Search = search, Plan = PlanRealizer.Realize(fp32.Planning, costs, search.Chosen.Choice) };
        var transfer = Assert.Single(o.Plan.Transfers);
        Assert.Equal(WireFormat.Int8, transfer.Wire);
        var sentence = Sentence(ReportHtml.Write(o));

        var elements = transfer.Tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d));
        var link = Regex.Match(sentence, $", {Num} kB int8 per frame on the link \\({Num} ms at 107.4 Mbps \\+ 13 ms latency\\), ");
        Assert.True(link.Success, sentence);
        Printed(link.Groups[1].Value, elements / 1e3);
        Printed(link.Groups[2].Value, elements * 8 / 107.4e6 * 1e3);
        Assert.Contains("<td>int8</td>", ReportHtml.Write(o)); // the transfers table's format column
    }

    [Fact]
    public void TheWireFormatIsNamedWhereTensorsAreConvertedAndTheTypeWhereNot()
    {
        TensorSpec Tensor(string type, long bytes) => new("t", type, [1, 8], bytes);
        Assert.Equal("int8", PlanSentence.Format(new PlannedTransfer(0, "a", "b", [Tensor("float", 32)], 8, 0) { Wire = WireFormat.Int8 }));
        Assert.Equal("fp16", PlanSentence.Format(new PlannedTransfer(0, "a", "b", [Tensor("float", 32)], 16, 0) { Wire = WireFormat.Fp16 }));
        Assert.Equal("fp32", PlanSentence.Format(new PlannedTransfer(0, "a", "b", [Tensor("float", 32)], 32, 0)));
        // A camera frame is not converted: it travels as uint8, whatever the (fp32) wire says.
        Assert.Equal("uint8", PlanSentence.Format(new PlannedTransfer(0, "a", "b", [Tensor("uint8", 8)], 8, 0)));
        Assert.Equal("fp32/int64", PlanSentence.Format(new PlannedTransfer(0, "a", "b", [Tensor("float", 32), Tensor("int64", 64)], 96, 0)));
    }

    [Fact]
    public void AMiddleDeviceWithNoModelIsShownAsARelay()
    {
        // The TX2 runs all but the classifier, the Nano only forwards what crosses, the 4090 runs the classifier.
        var compiled = ReportCases.Compile("repvgg-a0", "jetson-tx2,jetson-nano,rtx-4090", "100Mbps");
        var n = compiled.Costs.Problem.Units;
        var o = Forced(compiled, n - 2, n - 2);
        Assert.Equal(["part0.onnx", null, "part2.onnx"], o.Plan.Parts.Select(p => p.File));
        Assert.Equal(PartRole.Relay, PartRoles.Of(o, 1));
        Assert.Equal(PartRole.Compute, PartRoles.Of(o, 0));
        var html = ReportHtml.Write(o);
        var sentence = Sentence(html);

        // Shares over the computing parts only; the Nano relays what link0 brought, over link1.
        var cut = o.Search.Chosen.Choice.Cuts[0];
        var head = Regex.Match(sentence, $"^Cut after .+?: {Num}% of the FLOPs on the jetson-tx2 and {Num}% on the rtx-4090, ");
        Assert.True(head.Success, sentence);
        Printed(head.Groups[1].Value, 100 * Share(o, 0, cut));
        Printed(head.Groups[2].Value, 100 * Share(o, cut + 1, o.Costs.Problem.Units - 1));
        var relayed = o.Plan.Transfers[1];
        Assert.Equal(o.Plan.Transfers[0].Bytes, relayed.Bytes);
        var relay = Regex.Match(sentence, $"the jetson-nano relays {Num} kB fp32 to the rtx-4090 \\({Num} ms at 100 Mbps\\)");
        Assert.True(relay.Success, sentence);
        Printed(relay.Groups[1].Value, relayed.Tensors.Sum(t => t.Bytes) / 1e3);
        Printed(relay.Groups[2].Value, relayed.Tensors.Sum(t => t.Bytes) * 8 / 100e6 * 1e3);
        Assert.DoesNotContain("on the jetson-nano", sentence); // no compute clause, no share for the relay

        // Tables: the part row says relay instead of a row of zeros; the link it sends on is marked; the roofline legend says so.
        var row = Regex.Match(html, "<tr class=\"part-row relay\" data-part=\"1\" data-role=\"relay\">(.*?)</tr>").Groups[1].Value;
        Assert.Contains("<td>jetson-nano</td>", row);
        var described = Regex.Match(row, $"relay: relays {Num} kB fp32 from the jetson-tx2 to the rtx-4090");
        Assert.True(described.Success, row);
        Printed(described.Groups[1].Value, relayed.Bytes / 1e3);
        Assert.DoesNotContain("class=\"n\"", row);
        Assert.Contains("<td>link1</td><td>jetson-nano (relay)</td><td>rtx-4090</td>", html);
        Assert.Contains("<td>link0</td><td>jetson-tx2</td><td>jetson-nano</td>", html);
        Assert.Contains("jetson-nano at fp16: ", html);
        Assert.Matches("jetson-nano at fp16: [^<]*\\(relays only: no part\\)</text>", html);
        Assert.DoesNotMatch("jetson-tx2 at fp16: [^<]*relays", html);
        var strip = Svg(html, StrategyStrip.Id).Descendants().Where(e => Has(e, "strip-note")).Select(e => e.Value);
        Assert.Equal(["relay: forwards what crosses, no model"], strip.Where(n => n.Contains("relay")));
    }

    [Fact]
    public void EachCutHasAStackedBarOfItsBestPlansTimes()
    {
        // Results consumed on the first device: every cut but "all on the first" sends them back, a fourth segment.
        var o = ReportCases.Compile("detector", "jetson-tx2,rtx-4090", "107.4Mbps,13ms", results: 0);
        var svg = Svg(ReportHtml.Write(o), SweepChart.Id);
        var bars = svg.Descendants().Where(e => Has(e, "seg") && !Has(e, "key-seg")).ToList();
        string[] order = ["seg-first", "seg-transfer", "seg-later", "seg-return"];
        Assert.Equal(o.Search.Sweep.Count * order.Length, bars.Count);

        // Heights in pixels per ms: one scale for every segment of every bar.
        var expected = o.Search.Sweep.SelectMany(p =>
        {
            var s = PlanScore.Of(o.Costs, p.BestChoice);
            double[] ms = [s.StageSeconds[0] * 1e3, s.TransferSeconds.Sum() * 1e3, s.StageSeconds.Skip(1).Sum() * 1e3, s.ReturnSeconds.Sum() * 1e3];
            return ms.Select((v, i) => (Cut: p.Boundary, Class: order[i], Ms: v));
        }).ToList();
        Assert.Contains(expected, e => e.Class == "seg-return" && e.Ms > 0);
        var heights = bars.Select(b => (Cut: (int)b.Attribute("data-cut")!, Class: order.Single(c => Has(b, c)), Y: (double)b.Attribute("y")!, H: (double)b.Attribute("height")!)).ToList();
        var scale = heights.Sum(h => h.H) / expected.Sum(e => e.Ms);
        foreach (var e in expected)
        {
            var h = heights.Single(x => x.Cut == e.Cut && x.Class == e.Class);
            Assert.InRange(h.H, e.Ms * scale - 0.25, e.Ms * scale + 0.25);
        }

        // Stacked in that order, and each bar's top is the best latency point at its cut.
        foreach (var cut in o.Search.Sweep.Select(p => p.Boundary))
        {
            var stack = order.Select(c => heights.Single(x => x.Cut == cut && x.Class == c)).ToList();
            for (var i = 1; i < stack.Count; i++) Assert.InRange(stack[i - 1].Y, stack[i].Y + stack[i].H - 0.11, stack[i].Y + stack[i].H + 0.11);
            var point = svg.Descendants().Single(e => Has(e, "sweep-point") && (string?)e.Attribute("data-series") == "best-latency" && (int)e.Attribute("data-cut")! == cut);
            Assert.InRange(stack[^1].Y, (double)point.Attribute("cy")! - 0.25, (double)point.Attribute("cy")! + 0.25);
        }
    }

    [Fact]
    public void WithoutReturnsTheBarsHaveThreeSegments()
    {
        var o = ReportCases.Compile("repvgg-grouped");
        var svg = Svg(ReportHtml.Write(o), SweepChart.Id);
        Assert.All(o.Search.Sweep, p => Assert.DoesNotContain(p.Best.ReturnSeconds, r => r > 0));
        Assert.DoesNotContain(svg.Descendants(), e => Has(e, "seg-return"));
        Assert.Equal(3 * o.Search.Sweep.Count, svg.Descendants().Count(e => Has(e, "seg") && !Has(e, "key-seg")));
        Assert.Equal(["first-device compute", "transfer (serialization + latency)", "later-device compute"],
            svg.Descendants().Where(e => Has(e, "key-seg")).Select(k => ((XElement)k.NextNode!).Value));
    }

    [Fact]
    public void TheCutAxisIsAlsoLabelledWithTheFlopsShareOnTheFirstDevice()
    {
        var o = ReportCases.Compile("repvgg-a0");
        var svg = Svg(ReportHtml.Write(o), SweepChart.Id);
        var labels = svg.Descendants().Where(e => Has(e, "tick-second")).ToList();
        Assert.True(labels.Count >= 4, $"{labels.Count} share labels");
        var ticks = svg.Descendants().Where(e => Has(e, "tick") && !Has(e, "tick-second") && (string?)e.Attribute("text-anchor") == "middle").ToList();
        foreach (var label in labels)
        {
            var boundary = (int)(double)label.Attribute("data-x")!;
            var percent = Regex.Match(label.Value, $"^{Num}%$");
            Assert.True(percent.Success, label.Value);
            Printed(percent.Groups[1].Value, boundary < 0 ? 0 : 100 * Share(o, 0, boundary));
            // Under the boundary's own tick.
            Assert.Contains(ticks, t => t.Value == boundary.ToString(C) && (double)t.Attribute("x")! == (double)label.Attribute("x")!);
        }
        Assert.Contains(svg.Descendants(), e => Has(e, "axis-title") && e.Value.Contains("share of the FLOPs on the first device"));
    }

    [Fact]
    public void CoincidingSweepLinesStayDistinguishable()
    {
        // Where S1 is already the best strategy the two lines coincide: the best is wide, solid, with solid points;
        // S1 thin and dashed on top, with larger hollow rings around them.
        // At λ = 0 the accuracy cost weighs nothing: wherever S1 is as fast as any strategy, it is the best.
        var o = ReportCases.Compile("repvgg-a0", lambda: 0);
        Assert.Contains(o.Search.Sweep, p => p.Best.Latency == p.Static.Latency);
        var svg = Svg(ReportHtml.Write(o), SweepChart.Id);
        var lines = svg.Descendants().Where(e => Has(e, "sweep-line")).Select(e => (string)e.Attribute("data-series")!).ToList();
        Assert.True(lines.IndexOf("best-latency") < lines.IndexOf("s1-latency"), "S1 is drawn over the best line");
        double Radius(string series) => svg.Descendants().Where(e => (string?)e.Attribute("data-series") == series && Has(e, "sweep-point")).Select(e => (double)e.Attribute("r")!).Distinct().Single();
        Assert.True(Radius("s1-latency") > Radius("best-latency"));

        var css = ReportStyle.Css;
        string Rule(string selector) => Regex.Match(css, Regex.Escape(selector) + "[^{]*\\{([^}]*)\\}").Groups[1].Value;
        double Width(string rule) => double.Parse(Regex.Match(rule, @"stroke-width: ([\d.]+)").Groups[1].Value, C);
        Assert.True(Width(Rule("svg .sweep-line.best")) >= 2 * Width(Rule("svg .sweep-line.s1")));
        Assert.Contains("stroke-dasharray", Rule("svg .sweep-line.s1"));
        Assert.DoesNotContain("stroke-dasharray", Rule("svg .sweep-line.best"));
        Assert.Contains("fill: none", Rule("svg .sweep-point.s1"));
        Assert.DoesNotContain("fill: none", Rule("svg .sweep-point.best"));
    }

    [Fact]
    public void TheParetoAxesSpanTheFrontAndABaselineBeyondThemIsClippedWithItsValue()
    {
        // Latency at 100 Mbps: the front is 11–16 ms, "all on the Xavier NX" (the input on the link) about 50 ms.
        var o = ReportCases.Compile("repvgg-a0", link: "100Mbps", objective: Objective.Latency, lambda: 0.001);
        var svg = Svg(ReportHtml.Write(o), ParetoChart.Id);
        var times = o.Search.Front.Select(p => p.Score.Latency * 1e3).ToList();
        var worst = o.Search.Baselines.Select((b, i) => (b, Number: i + 1)).MaxBy(t => t.b.Score.Latency)!;
        Assert.True(worst.b.Score.Latency * 1e3 > 2 * times.Max(), "the case needs a baseline far above the front");

        // The y ticks (right-aligned left of the frame) run from below the front to just above it, not to the baseline.
        var yTicks = svg.Descendants().Where(e => Has(e, "tick") && (string?)e.Attribute("text-anchor") == "end").Select(e => double.Parse(e.Value, C)).ToList();
        Assert.InRange(yTicks.Max(), times.Max(), times.Max() + (times.Max() - times.Min()));
        Assert.InRange(yTicks.Min(), times.Min() - (times.Max() - times.Min()), times.Min());
        Assert.True(yTicks.Max() < worst.b.Score.Latency * 1e3);

        // Every front point inside the frame; the far baseline on its top edge with an arrow up and its latency written.
        var frame = svg.Descendants().Single(e => Has(e, "frame"));
        var (top, bottom) = ((double)frame.Attribute("y")!, (double)frame.Attribute("y")! + (double)frame.Attribute("height")!);
        Assert.All(svg.Descendants().Where(e => Has(e, "pareto-point")), p => Assert.InRange((double)p.Attribute("cy")!, top, bottom));
        var mark = svg.Descendants().Single(e => Has(e, "baseline-mark") && (string?)e.Attribute("data-baseline") == worst.Number.ToString(C));
        Assert.True(Has(mark, "clipped"));
        var centre = Regex.Match((string)mark.Attribute("d")!, @"L([\d.]+) ([\d.]+)L"); // the right vertex: the diamond's centre height
        Assert.Equal(top, double.Parse(centre.Groups[2].Value, C), 1);
        Assert.Single(svg.Descendants(), e => Has(e, "baseline-clipped") && (string?)e.Attribute("data-baseline") == worst.Number.ToString(C) && (string?)e.Attribute("data-direction") == "up");
        var label = svg.Descendants().Single(e => Has(e, "clipped-label") && e.Value.StartsWith($"{worst.Number}: ", StringComparison.Ordinal));
        var value = Regex.Match(label.Value, $"^\\d+: {Num} ms, A {Num}$");
        Assert.True(value.Success, label.Value);
        Printed(value.Groups[1].Value, worst.b.Score.Latency * 1e3);
        Printed(value.Groups[2].Value, worst.b.Score.Accuracy);
    }

    [Theory]
    [InlineData(new[] { 11.4, 15.2 }, 11.02, 15.58)]
    [InlineData(new[] { 2.0, 2.0 }, 1.8, 2.2)]
    [InlineData(new[] { 0.0 }, 0.0, 1.0)]
    [InlineData(new[] { 0.1, 2.0 }, 0.0, 2.19)]
    public void TheParetoSpanIsTheValuesWithATenthOfTheirRangeEachSide(double[] values, double lo, double hi)
    {
        var (a, b) = ParetoChart.Span(values);
        Assert.Equal(lo, a, 9);
        Assert.Equal(hi, b, 9);
    }

    [Fact]
    public void TheLegendsSayWhatSolidAndHollowPointsMean()
    {
        var html = ReportHtml.Write(ReportCases.Compile("detector"));
        var roofline = Svg(html, RooflineChart.Id);
        Assert.Equal(["solid: a part on its device's roof (attainable at its intensity)", "hollow: the rate the plan predicts for it"],
            roofline.Descendants().Where(e => Has(e, "key-solid") || Has(e, "key-hollow")).Select(k => ((XElement)k.NextNode!).Value));
        var pareto = Svg(html, ParetoChart.Id);
        var legend = pareto.Descendants().Where(e => Has(e, "legend")).Select(e => e.Value).ToList();
        Assert.Contains("solid: a front plan", legend);
        Assert.Contains("hollow ring: the chosen plan", legend);
        Assert.Contains("baseline beyond the axes: drawn at the edge, its value beside it", legend);
        var sweep = Svg(html, SweepChart.Id).Descendants().Where(e => Has(e, "legend")).Select(e => e.Value).ToList();
        Assert.Contains("best strategies at the cut (wide, solid points)", sweep);
        Assert.Contains("S1 everywhere (dashed, hollow points)", sweep);
    }

    /// <summary>The outcome with its chosen plan replaced by the given cuts, S1 everywhere, fp32 on every link.</summary>
    private static CompileOutcome Forced(CompileOutcome o, params int[] cuts)
    {
        var choice = new PlanChoice(cuts, Enumerable.Repeat(FusionStrategy.S1, cuts.Length + 1).ToArray());
        var chosen = o.Search.Chosen with { Choice = choice, Score = PlanScore.Of(o.Costs, choice) };
        return o with { Search = o.Search with { Chosen = chosen }, Plan = PlanRealizer.Realize(o.Planning, o.Costs, choice) };
    }

    private static bool Has(XElement e, string cls) => ((string?)e.Attribute("class"))?.Split(' ').Contains(cls) == true;

    private static XElement Svg(string html, string id) =>
        Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline).Select(m => XDocument.Parse(m.Value).Root!).Single(r => (string?)r.Attribute("id") == id);
}
