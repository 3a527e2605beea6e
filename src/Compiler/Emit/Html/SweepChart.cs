using System.Globalization;
using OnnxCoDesign.Compiler.Emit.Svg;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// Predicted latency (top) and throughput (bottom) over every cut point of the first link: with every block
/// fused (S1) and with the best strategies at that cut. The chosen plan's cut is a vertical line; the chosen
/// plan and the baselines are marked at their first cut with their own figures (numbered as in the table).
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

    public static string Render(CompileOutcome o)
    {
        var sweep = o.Search.Sweep;
        var chosen = o.Search.Chosen;
        var baselines = o.Search.Baselines;
        var plans = baselines.Append(chosen).ToList();
        // One unit of room either side, so marks at the first and last cut are not cut in half by the frame.
        var cuts = sweep.Select(p => (double)p.Boundary).DefaultIfEmpty(-1).ToList();
        cuts.AddRange([cuts.Min() - 1, cuts.Max() + 1]);

        var svg = new SvgCanvas(Id, 820, 560, "Predicted latency and throughput at every cut point");
        Func<double, double, Axis> xAxis = (a, b) => new LinearAxis(cuts, a, b, integers: true, ticks: 10, tight: true);
        var latency = new Panel(svg, 84, 16, 700, 220, xAxis,
            (a, b) => new LinearAxis(Values(sweep, true).Concat(plans.Select(p => p.Score.Latency * 1e3)), a, b, zero: true));
        var throughput = new Panel(svg, 84, 262, 700, 220, xAxis,
            (a, b) => new LinearAxis(Values(sweep, false).Concat(plans.Select(p => p.Score.Throughput)), a, b, zero: true));
        latency.Frame(null, "latency (ms)");
        throughput.Frame("cut after unit (boundary index; −1 = before the first unit)", "throughput (1/s)");

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
                    $"cut {p.Boundary} after {p.After}: {value(p):0.###} {(isLatency ? "ms" : "/s")} ({(cls == "s1" ? "S1 everywhere" : p.BestChoice.ToString())}), {p.CrossingBytes / 1e3:0.#} kB cross");
                panel.Point(p.Boundary, value(p), 2.4, $"sweep-point {cls}", $"data-series=\"{series}\" data-cut=\"{p.Boundary}\"", tip);
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

        // Legend, below the panels.
        var ly = throughput.Bottom + 58;
        var lx = throughput.Left;
        svg.Raw($"<line class=\"key-line s1\" x1=\"{SvgCanvas.N(lx)}\" y1=\"{SvgCanvas.N(ly - 4)}\" x2=\"{SvgCanvas.N(lx + 24)}\" y2=\"{SvgCanvas.N(ly - 4)}\"/>");
        svg.Text(lx + 30, ly, "S1 everywhere", "legend");
        svg.Raw($"<line class=\"key-line best\" x1=\"{SvgCanvas.N(lx + 140)}\" y1=\"{SvgCanvas.N(ly - 4)}\" x2=\"{SvgCanvas.N(lx + 164)}\" y2=\"{SvgCanvas.N(ly - 4)}\"/>");
        svg.Text(lx + 170, ly, "best strategies at the cut", "legend");
        svg.Raw($"<circle class=\"key-chosen\" cx=\"{SvgCanvas.N(lx + 360)}\" cy=\"{SvgCanvas.N(ly - 4)}\" r=\"6\"/>");
        svg.Text(lx + 372, ly, "chosen plan", "legend");
        svg.Raw($"<path class=\"key-baseline\" d=\"M{SvgCanvas.N(lx + 470)} {SvgCanvas.N(ly - 9)}l5 5l-5 5l-5 -5z\"/>");
        svg.Text(lx + 482, ly, "baseline (number as in the table)", "legend");
        return svg.Close();
    }

    private static IEnumerable<double> Values(IReadOnlyList<SweepPoint> sweep, bool latency) =>
        Series.Where(s => s.Latency == latency).SelectMany(s => sweep.Select(s.Value));
}
