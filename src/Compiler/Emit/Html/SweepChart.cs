using System.Globalization;
using OnnxCoDesign.Compiler.Emit.Svg;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// Predicted latency (top) and throughput (bottom) over every cut point of the first link: with every block
/// fused (S1) and with the best strategies at that cut. The chosen plan's cut is a vertical line; the chosen
/// plan and the baselines are marked at their first cut with their own figures (numbered as in the table).
/// Behind the latency lines, one stacked bar per cut splits the best plan's latency there, in the order a frame
/// meets them: first-device compute (StageSeconds[0]), transfer (Σ TransferSeconds: serialization + link latency),
/// later-device compute (Σ StageSeconds[1..]) and the results' way back (Σ ReturnSeconds), whose sum is the
/// latency, so the bar tops trace the best line. The x axis has a second row: the share of the model's FLOPs on
/// the first device, Share(0, b) (the seed's Fig. 8 axis). The best line is wide and solid with solid points, the
/// S1 line thin and dashed with hollow points drawn over it, so both stay visible where they coincide.
/// </summary>
public static class SweepChart
{
    public const string Id = "sweep-chart";

    /// <summary>The four series, each a line with one point per cut: (data-series, class, value).</summary>
    public static readonly IReadOnlyList<(string Series, string Class, bool Latency, Func<SweepPoint, double> Value)> Series =
    [
        // Best first, so the dashed S1 line stays visible on top where the two agree.
        ("best-latency", "best", true, p => p.Best.Latency * 1e3),
        ("s1-latency", "s1", true, p => p.Static.Latency * 1e3),
        ("best-throughput", "best", false, p => p.Best.Throughput),
        ("s1-throughput", "s1", false, p => p.Static.Throughput),
    ];

    /// <summary>The stacked segments, bottom to top: (class, legend text, seconds of a score).</summary>
    public static readonly IReadOnlyList<(string Class, string Legend, Func<PlanScore, double> Seconds)> Segments =
    [
        ("seg-first", "first-device compute", s => s.StageSeconds[0]),
        ("seg-transfer", "transfer (serialization + latency)", s => s.TransferSeconds.Sum()),
        ("seg-later", "later-device compute", s => s.StageSeconds.Skip(1).Sum()),
        ("seg-return", "results back (downlink)", s => s.ReturnSeconds.Sum()),
    ];

    public static string Render(CompileOutcome o)
    {
        var sweep = o.Search.Sweep;
        var chosen = o.Search.Chosen;
        var baselines = o.Search.Baselines;
        var plans = baselines.Append(chosen).ToList();
        // One unit of room either side, so marks at the first and last cut are not cut in half by the frame.
        var cuts = sweep.Select(p => (double)p.Boundary).DefaultIfEmpty(-1).ToList();
        cuts.AddRange([cuts.Min() - 1, cuts.Max() + 1]);

        var svg = new SvgCanvas(Id, 820, 610, "Predicted latency and throughput at every cut point");
        Func<double, double, Axis> xAxis = (a, b) => new LinearAxis(cuts, a, b, integers: true, ticks: 10, tight: true);
        var latency = new Panel(svg, 84, 16, 700, 220, xAxis,
            (a, b) => new LinearAxis(Values(sweep, true).Concat(plans.Select(p => p.Score.Latency * 1e3)), a, b, zero: true));
        var throughput = new Panel(svg, 84, 262, 700, 220, xAxis,
            (a, b) => new LinearAxis(Values(sweep, false).Concat(plans.Select(p => p.Score.Throughput)), a, b, zero: true));
        latency.Frame(null, "latency (ms)");
        var units = o.Costs.Problem.Units;
        throughput.Frame("cut after unit (boundary index; −1 = before the first unit); below it, the share of the FLOPs on the first device", "throughput (1/s)",
            v => v < -1 || v > units - 1 || v != Math.Round(v) ? null : PlanSentence.Percent(ShareBefore(o, (int)v)) + "%");

        // The stacked breakdown of the best plan at each cut, behind the lines.
        var step = Math.Abs(latency.X.Map(1) - latency.X.Map(0));
        var width = Math.Clamp(step * 0.7, 1, 24);
        var segments = Segments.Where(g => g.Class != "seg-return" || sweep.Any(p => g.Seconds(p.Best) > 0)).ToList();
        foreach (var p in sweep)
        {
            var below = 0.0;
            foreach (var (cls, legend, seconds) in segments)
            {
                var ms = seconds(p.Best) * 1e3;
                var tip = string.Create(CultureInfo.InvariantCulture, $"cut {p.Boundary} after {p.After}: {legend} {ms:0.###} ms");
                latency.Bar(p.Boundary, below, below + ms, width, $"seg {cls}", $"data-cut=\"{p.Boundary}\" data-ms=\"{ms.ToString("R", CultureInfo.InvariantCulture)}\"", tip);
                below += ms;
            }
        }

        // The chosen cut, across both panels.
        var cx = SvgCanvas.N(latency.X.Map(chosen.Choice.Cuts[0]));
        svg.Raw($"<line class=\"chosen-cut\" x1=\"{cx}\" y1=\"{SvgCanvas.N(latency.Top)}\" x2=\"{cx}\" y2=\"{SvgCanvas.N(throughput.Bottom)}\">" +
                $"{SvgCanvas.Tip($"chosen cut: after {ReportHtml.After(o, chosen.Choice.Cuts[0])}")}</line>");

        foreach (var (series, cls, isLatency, value) in Series)
        {
            var panel = isLatency ? latency : throughput;
            panel.Line(sweep.Select(p => ((double)p.Boundary, value(p))), $"sweep-line {cls}", $"data-series=\"{series}\"");
            foreach (var p in sweep)
            {
                var tip = string.Create(CultureInfo.InvariantCulture,
                    $"cut {p.Boundary} after {p.After} ({PlanSentence.Percent(ShareBefore(o, p.Boundary))}% of the FLOPs first): {value(p):0.###} {(isLatency ? "ms" : "/s")} ({(cls == "s1" ? "S1 everywhere" : p.BestChoice.ToString())}), {p.CrossingBytes / 1e3:0.#} kB cross");
                panel.Point(p.Boundary, value(p), cls == "s1" ? 4 : 3, $"sweep-point {cls}", $"data-series=\"{series}\" data-cut=\"{p.Boundary}\"", tip);
            }
        }

        // Baselines and the chosen plan at their first cut; plans sharing a cut share one label ("1,3").
        for (var i = 0; i < plans.Count; i++)
        {
            var plan = plans[i];
            var isChosen = i == plans.Count - 1;
            var x = (double)plan.Choice.Cuts[0];
            var tip = string.Create(CultureInfo.InvariantCulture, $"{plan.Name}: {plan.Choice}, {plan.Score.Latency * 1e3:0.###} ms, {plan.Score.Throughput:0.##}/s");
            foreach (var (panel, y) in new[] { (latency, plan.Score.Latency * 1e3), (throughput, plan.Score.Throughput) })
            {
                if (isChosen) panel.Point(x, y, 7, "chosen-point", null, tip);
                else panel.Diamond(x, y, 5, "baseline-mark", $"data-baseline=\"{i + 1}\"", tip);
            }
        }
        foreach (var group in plans.Select((p, i) => (p, i)).Where(t => t.i < plans.Count - 1).GroupBy(t => t.p.Choice.Cuts[0]))
        {
            var label = string.Join(",", group.Select(t => t.i + 1));
            var first = group.First().p;
            var right = latency.X.Map(group.Key) > latency.Right - 60;
            latency.Label(group.Key, first.Score.Latency * 1e3, label, "baseline-label", right ? -8 : 8, -6, right ? "end" : "start");
            throughput.Label(group.Key, first.Score.Throughput, label, "baseline-label", right ? -8 : 8, -6, right ? "end" : "start");
        }
        var chosenRight = latency.X.Map(chosen.Choice.Cuts[0]) > latency.Right - 110;
        svg.Text(latency.X.Map(chosen.Choice.Cuts[0]) + (chosenRight ? -6 : 6), latency.Top + 14, "chosen cut", "chosen-label", chosenRight ? "end" : "start");

        // Legend, below the panels: the lines and marks, then the bars' segments.
        var ly = throughput.Bottom + 72;
        var lx = throughput.Left;
        svg.Raw($"<line class=\"key-line best\" x1=\"{SvgCanvas.N(lx)}\" y1=\"{SvgCanvas.N(ly - 4)}\" x2=\"{SvgCanvas.N(lx + 24)}\" y2=\"{SvgCanvas.N(ly - 4)}\"/>");
        svg.Raw($"<circle class=\"sweep-key best\" cx=\"{SvgCanvas.N(lx + 12)}\" cy=\"{SvgCanvas.N(ly - 4)}\" r=\"3\"/>");
        svg.Text(lx + 30, ly, "best strategies at the cut (wide, solid points)", "legend");
        svg.Raw($"<line class=\"key-line s1\" x1=\"{SvgCanvas.N(lx + 310)}\" y1=\"{SvgCanvas.N(ly - 4)}\" x2=\"{SvgCanvas.N(lx + 324)}\" y2=\"{SvgCanvas.N(ly - 4)}\"/>");
        svg.Raw($"<circle class=\"sweep-key s1\" cx=\"{SvgCanvas.N(lx + 322)}\" cy=\"{SvgCanvas.N(ly - 4)}\" r=\"4\"/>");
        svg.Text(lx + 340, ly, "S1 everywhere (dashed, hollow points)", "legend");
        svg.Raw($"<circle class=\"key-chosen\" cx=\"{SvgCanvas.N(lx + 600)}\" cy=\"{SvgCanvas.N(ly - 4)}\" r=\"6\"/>");
        svg.Text(lx + 612, ly, "chosen plan", "legend");
        ly += 20;
        svg.Raw($"<path class=\"key-baseline\" d=\"M{SvgCanvas.N(lx + 12)} {SvgCanvas.N(ly - 9)}l5 5l-5 5l-5 -5z\"/>");
        svg.Text(lx + 30, ly, "baseline (number as in the table)", "legend");
        svg.Text(lx + 300, ly, "bars: the best plan's latency at the cut, split as a frame meets it", "legend");
        ly += 20;
        var kx = lx;
        foreach (var (cls, legend, _) in segments)
        {
            svg.Raw($"<rect class=\"seg {cls} key-seg\" x=\"{SvgCanvas.N(kx)}\" y=\"{SvgCanvas.N(ly - 10)}\" width=\"12\" height=\"12\"/>");
            svg.Text(kx + 16, ly, legend, "legend");
            kx += 16 + legend.Length * 5.9 + 16;
        }
        return svg.Close();
    }

    /// <summary>The share of the model's FLOPs before boundary <paramref name="boundary"/>: on the first device when the first cut is there.</summary>
    public static double ShareBefore(CompileOutcome o, int boundary) => boundary < 0 ? 0 : o.Costs.Share(0, boundary);

    private static IEnumerable<double> Values(IReadOnlyList<SweepPoint> sweep, bool latency) =>
        Series.Where(s => s.Latency == latency).SelectMany(s => sweep.Select(s.Value));
}
