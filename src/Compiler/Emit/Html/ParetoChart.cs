using System.Globalization;
using OnnxCoDesign.Compiler.Emit.Svg;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// The Pareto front of the objective's time (latency, or the pipelined period) against the accuracy cost A:
/// every front plan as a solid point, the staircase bounding what the front dominates, the chosen plan ringed
/// (hollow), and the baselines as numbered diamonds (they may lie off the front: they search less).
/// The axes span the front and the chosen plan with a margin (<see cref="Span"/>), not the worst baseline: a baseline
/// beyond them is drawn at the edge it lies past, with an arrow pointing out and a label giving its value.
/// </summary>
public static class ParetoChart
{
    public const string Id = "pareto-chart";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// The values an axis must span for <paramref name="values"/>: their range widened by 10% of it each side (10% of
    /// the value, or 1, when they are all equal), not below 0 when none is negative. LinearAxis then rounds outwards to ticks.
    /// </summary>
    public static (double Lo, double Hi) Span(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        var (lo, hi) = (v.Min(), v.Max());
        var pad = hi > lo ? (hi - lo) * 0.1 : hi != 0 ? Math.Abs(hi) * 0.1 : 1;
        return (lo >= 0 ? Math.Max(0, lo - pad) : lo - pad, hi + pad);
    }

    public static string Render(CompileOutcome o)
    {
        var objective = o.Settings.Objective;
        double T(PlanScore s) => s.Time(objective) * 1e3;
        var front = o.Search.Front.OrderBy(p => p.Score.Accuracy).ThenBy(p => T(p.Score)).ToList();
        var c = o.Search.Chosen;
        var baselines = o.Search.Baselines;
        var timeName = objective == Objective.Latency ? "latency" : "period (1 / throughput)";

        var svg = new SvgCanvas(Id, 820, 450, $"Pareto front: {timeName} against accuracy cost");
        var (xLo, xHi) = Span(front.Select(p => p.Score.Accuracy).Append(c.Score.Accuracy));
        var (yLo, yHi) = Span(front.Select(p => T(p.Score)).Append(T(c.Score)));
        var panel = new Panel(svg, 84, 16, 700, 330,
            (a, b) => new LinearAxis([xLo, xHi], a, b),
            (a, b) => new LinearAxis([yLo, yHi], a, b));
        panel.Frame("accuracy cost A (prior: branches fused away, weighted by FLOPs share; measured: deviation)", $"{timeName} (ms)");

        // Staircase: from each point right to the next one's cost, then down to its time.
        var steps = new List<(double, double)>();
        for (var i = 0; i < front.Count; i++)
        {
            if (i > 0) steps.Add((front[i].Score.Accuracy, T(front[i - 1].Score)));
            steps.Add((front[i].Score.Accuracy, T(front[i].Score)));
        }
        if (front.Count > 0) steps.Add((panel.X.Max, T(front[^1].Score)));
        panel.Line(steps, "pareto-step");

        foreach (var p in front)
        {
            var tip = string.Create(C, $"{p.Choice}: {T(p.Score):0.###} ms, A = {p.Score.Accuracy:0.####}");
            panel.Point(p.Score.Accuracy, T(p.Score), 4, "pareto-point", null, tip);
        }

        // Baselines, at their place or clamped to the edge they lie past; one label per place ("1,3").
        var marks = baselines.Select((b, i) =>
        {
            var (x, y) = (b.Score.Accuracy, T(b.Score));
            var (cx, cy) = (Math.Clamp(x, panel.X.Min, panel.X.Max), Math.Clamp(y, panel.Y.Min, panel.Y.Max));
            return (Plan: b, Number: i + 1, X: x, Y: y, Cx: cx, Cy: cy, Clipped: cx != x || cy != y);
        }).ToList();
        foreach (var m in marks)
        {
            var tip = string.Create(C, $"{m.Plan.Name}: {m.Y:0.###} ms, A = {m.X:0.####}");
            panel.Diamond(m.Cx, m.Cy, 5, m.Clipped ? "baseline-mark clipped" : "baseline-mark", $"data-baseline=\"{m.Number}\"", tip);
            if (m.Clipped) Arrow(svg, panel, m.Cx, m.Cy, m.Y > panel.Y.Max ? "up" : m.Y < panel.Y.Min ? "down" : m.X > panel.X.Max ? "right" : "left", m.Number);
        }
        foreach (var group in marks.GroupBy(m => (m.Cx, m.Cy)))
        {
            var right = panel.X.Map(group.Key.Cx) > panel.Right - 160;
            var numbers = string.Join(",", group.Select(m => m.Number));
            if (!group.First().Clipped)
            {
                panel.Label(group.Key.Cx, group.Key.Cy, numbers, "baseline-label", right ? -8 : 8, -6, right ? "end" : "start");
                continue;
            }
            // Beyond the axes: say where each one really is.
            var atTop = panel.Y.Map(group.Key.Cy) < panel.Top + 30;
            var k = 0;
            foreach (var m in group)
            {
                var text = string.Create(C, $"{m.Number}: {m.Y:0.##} ms, A {m.X:0.###}");
                panel.Label(m.Cx, m.Cy, text, "clipped-label", right ? -14 : 14, (atTop ? 18 : -8) + (atTop ? 14 : -14) * k++, right ? "end" : "start");
            }
        }

        panel.Point(c.Score.Accuracy, T(c.Score), 8, "pareto-chosen", null,
            string.Create(C, $"chosen: {c.Choice}: {T(c.Score):0.###} ms, A = {c.Score.Accuracy:0.####}"));
        var cRight = panel.X.Map(c.Score.Accuracy) > panel.Right - 120;
        panel.Label(c.Score.Accuracy, T(c.Score), "chosen", "chosen-label", cRight ? -12 : 12, 16, cRight ? "end" : "start");

        var ly = panel.Bottom + 62;
        svg.Raw($"<circle class=\"key-front\" cx=\"{SvgCanvas.N(panel.Left + 6)}\" cy=\"{SvgCanvas.N(ly - 4)}\" r=\"4\"/>");
        svg.Text(panel.Left + 16, ly, "solid: a front plan", "legend");
        svg.Raw($"<line class=\"key-step\" x1=\"{SvgCanvas.N(panel.Left + 150)}\" y1=\"{SvgCanvas.N(ly - 4)}\" x2=\"{SvgCanvas.N(panel.Left + 174)}\" y2=\"{SvgCanvas.N(ly - 4)}\"/>");
        svg.Text(panel.Left + 180, ly, "front (dominated region above and right)", "legend");
        svg.Raw($"<circle class=\"key-chosen\" cx=\"{SvgCanvas.N(panel.Left + 460)}\" cy=\"{SvgCanvas.N(ly - 4)}\" r=\"7\"/>");
        svg.Text(panel.Left + 472, ly, "hollow ring: the chosen plan", "legend");
        ly += 20;
        svg.Raw($"<path class=\"key-baseline\" d=\"M{SvgCanvas.N(panel.Left + 6)} {SvgCanvas.N(ly - 9)}l5 5l-5 5l-5 -5z\"/>");
        svg.Text(panel.Left + 16, ly, "baseline (number as in the table)", "legend");
        svg.Raw($"<path class=\"baseline-clipped\" d=\"M{SvgCanvas.N(panel.Left + 260)} {SvgCanvas.N(ly - 10)}l5 8h-10z\"/>");
        svg.Text(panel.Left + 272, ly, "baseline beyond the axes: drawn at the edge, its value beside it", "legend");
        return svg.Close();
    }

    /// <summary>A small triangle just inside the edge at (x, y), pointing out of the panel towards where the baseline really lies.</summary>
    private static void Arrow(SvgCanvas svg, Panel panel, double x, double y, string direction, int number)
    {
        var (px, py) = panel.At(x, y);
        var n = SvgCanvas.N;
        var d = direction switch
        {
            "up" => $"M{n(px)} {n(py - 16)}l5 8h-10z",
            "down" => $"M{n(px)} {n(py + 16)}l5 -8h-10z",
            "right" => $"M{n(px + 16)} {n(py)}l-8 5v-10z",
            _ => $"M{n(px - 16)} {n(py)}l8 5v-10z",
        };
        svg.Raw($"<path class=\"baseline-clipped\" d=\"{d}\" data-baseline=\"{number}\" data-direction=\"{direction}\"/>");
    }
}
