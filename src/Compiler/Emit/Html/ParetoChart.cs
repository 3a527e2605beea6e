using System.Globalization;
using OnnxCoDesign.Compiler.Emit.Svg;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// The Pareto front of the objective's time (latency, or the pipelined period) against the accuracy cost A:
/// every front plan as a point, the staircase bounding what the front dominates, the chosen plan ringed,
/// and the baselines as numbered diamonds (they may lie off the front: they search less).
/// </summary>
public static class ParetoChart
{
    public const string Id = "pareto-chart";

    public static string Render(CompileOutcome o)
    {
        var objective = o.Settings.Objective;
        double T(PlanScore s) => s.Time(objective) * 1e3;
        var front = o.Search.Front.OrderBy(p => p.Score.Accuracy).ThenBy(p => T(p.Score)).ToList();
        var plans = o.Search.Baselines.Append(o.Search.Chosen).ToList();
        var timeName = objective == Objective.Latency ? "latency" : "period (1 / throughput)";

        var svg = new SvgCanvas(Id, 820, 420, $"Pareto front: {timeName} against accuracy cost");
        var panel = new Panel(svg, 84, 16, 700, 330,
            (a, b) => new LinearAxis(front.Select(p => p.Score.Accuracy).Concat(plans.Select(p => p.Score.Accuracy)), a, b, zero: true),
            (a, b) => new LinearAxis(front.Select(p => T(p.Score)).Concat(plans.Select(p => T(p.Score))), a, b, zero: true));
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
            var tip = string.Create(CultureInfo.InvariantCulture, $"{p.Choice}: {T(p.Score):0.###} ms, A = {p.Score.Accuracy:0.####}");
            panel.Point(p.Score.Accuracy, T(p.Score), 4, "pareto-point", null, tip);
        }
        for (var i = 0; i < plans.Count - 1; i++)
        {
            var b = plans[i];
            panel.Diamond(b.Score.Accuracy, T(b.Score), 5, "baseline-mark", $"data-baseline=\"{i + 1}\"",
                string.Create(CultureInfo.InvariantCulture, $"{b.Name}: {T(b.Score):0.###} ms, A = {b.Score.Accuracy:0.####}"));
        }
        foreach (var group in plans.Take(plans.Count - 1).Select((p, i) => (p, i)).GroupBy(t => (t.p.Score.Accuracy, T(t.p.Score))))
        {
            var right = panel.X.Map(group.Key.Accuracy) > panel.Right - 60;
            panel.Label(group.Key.Accuracy, group.Key.Item2, string.Join(",", group.Select(t => t.i + 1)), "baseline-label", right ? -8 : 8, -6, right ? "end" : "start");
        }
        var c = o.Search.Chosen;
        panel.Point(c.Score.Accuracy, T(c.Score), 8, "pareto-chosen", null,
            string.Create(CultureInfo.InvariantCulture, $"chosen: {c.Choice}: {T(c.Score):0.###} ms, A = {c.Score.Accuracy:0.####}"));
        var cRight = panel.X.Map(c.Score.Accuracy) > panel.Right - 120;
        panel.Label(c.Score.Accuracy, T(c.Score), "chosen", "chosen-label", cRight ? -12 : 12, 16, cRight ? "end" : "start");

        var ly = panel.Bottom + 62;
        svg.Raw($"<circle class=\"key-front\" cx=\"{SvgCanvas.N(panel.Left + 6)}\" cy=\"{SvgCanvas.N(ly - 4)}\" r=\"4\"/>");
        svg.Text(panel.Left + 16, ly, "front plan", "legend");
        svg.Raw($"<line class=\"key-step\" x1=\"{SvgCanvas.N(panel.Left + 110)}\" y1=\"{SvgCanvas.N(ly - 4)}\" x2=\"{SvgCanvas.N(panel.Left + 134)}\" y2=\"{SvgCanvas.N(ly - 4)}\"/>");
        svg.Text(panel.Left + 140, ly, "front (dominated region above and right)", "legend");
        svg.Raw($"<circle class=\"key-chosen\" cx=\"{SvgCanvas.N(panel.Left + 420)}\" cy=\"{SvgCanvas.N(ly - 4)}\" r=\"7\"/>");
        svg.Text(panel.Left + 432, ly, "chosen", "legend");
        svg.Raw($"<path class=\"key-baseline\" d=\"M{SvgCanvas.N(panel.Left + 510)} {SvgCanvas.N(ly - 9)}l5 5l-5 5l-5 -5z\"/>");
        svg.Text(panel.Left + 522, ly, "baseline", "legend");
        return svg.Close();
    }
}
