using System.Globalization;
using System.Text;
using OnnxCoDesign.Compiler.Emit.Html;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using static OnnxCoDesign.Compiler.Emit.Svg.SvgCanvas;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched: its
/// Content-Security-Policy forbids both) with the setup, the roofline chart, latency and throughput over
/// every cut, the parts and transfers, the baselines, the Pareto front and the strategy of every block.
/// Deterministic like plan.json: no clock, no paths, invariant culture, every name HTML-encoded.
/// </summary>
public static class ReportHtml
{
    public const string FileName = "report.html";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Write(CompileOutcome o)
    {
        var s = o.Settings;
        var chosen = o.Search.Chosen;
        // The lowest precision allowed, and where a device lacks it, what its part runs at instead.
        var raised = o.Plan.Parts.Where(p => p.Model is not null && p.Precision != s.Precision).Select(p => $"part{p.Index} {p.Precision.ToString().ToLowerInvariant()}").ToList();
        var precision = s.Precision.ToString().ToLowerInvariant() + (raised.Count > 0 ? $" (lowest allowed; {string.Join(", ", raised)})" : "");
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append($"<title>{Esc(o.DisplayName)}: codesign-compile report</title>\n<style>\n{ReportStyle.Css}</style>\n</head>\n<body>\n");

        sb.Append($"<header>\n<h1>{Esc(o.DisplayName)}</h1>\n");
        sb.Append($"<p id=\"{PlanSentence.Id}\" class=\"plan-sentence\">{Esc(PlanSentence.Of(o))}</p>\n");
        sb.Append($"<p class=\"setup\">{Esc(string.Join(" → ", s.Devices.Select(d => d.Name)))}, link {Esc(Devices.LinkSpec.Format(s.Link))}, {precision}, " +
                  $"objective {Esc(s.Objective.ToString().ToLowerInvariant())}, λ {s.Lambda.ToString(C)} s per unit, accuracy {Esc(s.Accuracy.ToString().ToLowerInvariant())}, " +
                  $"cost model {Esc(s.CostModelName)}; {o.Planning.Units.Count} units, {o.Planning.BlockCount} RepVGG blocks</p>\n");
        sb.Append("<dl class=\"summary\">");
        Fact(sb, "cuts", string.Join(", ", chosen.Choice.Cuts.Select(c => $"after {After(o, c)}")));
        Fact(sb, "strategies", chosen.Choice.StrategyNames(", "));
        Fact(sb, "latency", string.Create(C, $"{chosen.Score.Latency * 1e3:0.###} ms"));
        Fact(sb, "throughput", string.Create(C, $"{chosen.Score.Throughput:0.##} /s (period {chosen.Score.Period * 1e3:0.###} ms)"));
        Fact(sb, "accuracy cost", string.Create(C, $"{chosen.Score.Accuracy:0.####}"));
        if (o.Accuracy is { } a)
        {
            // Predicted (the planner's sum of its units' sensitivity) beside measured (the emitted parts chained).
            var measuredTable = a.Table.Precisions.Count > 0;
            Fact(sb, "accuracy, predicted", measuredTable ? string.Create(C, $"{a.Predicted:0.###} ({a.Metric.Name()})") : string.Create(C, $"{a.Predicted:0.###} (prior units)"));
            Fact(sb, "accuracy, measured", string.Create(C, $"{a.Measured:0.###} ({a.Metric.Name()}, {a.Samples} samples, parts at {a.Precision}") +
                (a.Original is { } top1 ? string.Create(C, $"; original top-1 {top1:0.##}%") : "") + (a.Budget is { } b ? string.Create(C, $"; budget {b:0.###}") : "") + ")");
        }
        Fact(sb, "L = T + λ·A", string.Create(C, $"{chosen.Score.Loss(s.Objective, s.Lambda) * 1e3:0.###} ms"));
        sb.Append("</dl>\n</header>\n");

        Section(sb, "roofline", "Roofline",
            $"Each device's roof at {precision}: attainable FLOP/s = min(P, I·B), bending at its ridge P/B. Each part sits on its device's roof at its " +
            $"intensity I = FLOPs / bytes (bytes at {precision}); the hollow point below is the rate the plan predicts for it (FLOPs / predicted time, " +
            "with the device's efficiencies and per-node overhead).",
            RooflineChart.Render(o));
        Section(sb, "sweep", "Every cut point",
            "Predicted latency and throughput with the first cut after each unit (later devices relay when there are more than two), " +
            "with every block fused (S1) and with the best strategies at that cut. The bars split the best plan's latency at each cut into " +
            "first-device compute, transfer (serialization + link latency; results sent back, if any, on top) and later-device compute. " +
            "The second row under the x axis is the share of the model's FLOPs on the first device. Hover a point for the unit and what crosses.",
            SweepChart.Render(o));
        Section(sb, "parts", "Parts and transfers", null, ReportTables.Parts(o) + ReportTables.Transfers(o));
        Section(sb, "baselines", "Baselines", "The numbers mark the baselines in the charts.", ReportTables.Baselines(o));
        Section(sb, "ablations", "Ablations", AblationTable.Caption, AblationTable.Render(o));
        Section(sb, "pareto", "Pareto front",
            "Every plan no other plan beats on both time and accuracy cost; the chosen one minimizes L = T + λ·A. The axes span the front; " +
            "a baseline beyond them is drawn at the edge with an arrow and its value.",
            ParetoChart.Render(o));
        Section(sb, "strategies", "Strategy per block", null, StrategyStrip.Render(o) + ReportTables.Blocks(o));
        sb.Append($"<footer>{Esc($"codesign-compile {typeof(ReportHtml).Assembly.GetName().Version?.ToString(3)}")}; figures are the cost model's predictions, not measurements.</footer>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    internal static string After(CompileOutcome o, int boundary) =>
        boundary < 0 ? "(input)" : boundary >= o.Planning.Units.Count - 1 ? "the last unit" : o.Costs.Problem.UnitNames[boundary];

    private static void Fact(StringBuilder sb, string name, string value) => sb.Append($"<dt>{Esc(name)}</dt><dd>{Esc(value)}</dd>");

    private static void Section(StringBuilder sb, string id, string title, string? caption, string body)
    {
        sb.Append($"<section id=\"{id}\">\n<h2>{Esc(title)}</h2>\n");
        if (caption is not null) sb.Append($"<p class=\"caption\">{Esc(caption)}</p>\n");
        sb.Append(body).Append("</section>\n");
    }
}
