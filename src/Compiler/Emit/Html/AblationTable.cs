using System.Globalization;
using System.Text;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using static OnnxCoDesign.Compiler.Emit.Svg.SvgCanvas;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// The seed's ablation table, beside the baselines: the co-designed plan first, then the same search with one ingredient
/// removed at a time (<see cref="Ablations"/>), each with its cuts (the unit each follows), strategies, wire format per
/// link, latency, period, throughput, accuracy cost A and L; with validation data, each plan's measured accuracy.
/// </summary>
public static class AblationTable
{
    public const string Id = "ablations-table";

    public const string Caption = "The co-designed plan with one ingredient removed at a time, the rest still co-designed, scored by the same cost model. " +
                                  "Hover a row's name for what was removed.";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(CompileOutcome o)
    {
        var s = o.Settings;
        var measured = o.Accuracy is { } a ? a.Ablations.ToDictionary(m => m.Name, m => m.Measured) : null;
        var sb = new StringBuilder($"<div class=\"table-wrap\"><table id=\"{Id}\">\n<thead><tr><th>plan</th><th>cuts after</th><th>strategies</th><th>wire</th>" +
                                   "<th>latency ms</th><th>period ms</th><th>throughput /s</th><th>A</th><th>L ms</th>" +
                                   (measured is not null ? $"<th>measured ({Esc(o.Accuracy!.Metric.Name())})</th>" : "") + "</tr></thead>\n<tbody>\n");
        void Row(NamedPlan p, string cssClass, double? accuracy)
        {
            var after = p.Choice.Cuts.Length == 0 ? "-" : string.Join(", ", p.Choice.Cuts.Select(c => ReportHtml.After(o, c)));
            sb.Append($"<tr class=\"{cssClass}\" data-ablation=\"{Esc(p.Name)}\"><td title=\"{Esc(p.Description)}\">{Esc(p.Name)}</td><td>{Esc(after)}</td>");
            sb.Append($"<td>{Esc(p.Choice.StrategyNames())}</td><td>{Esc(p.Choice.Cuts.Length == 0 ? "-" : p.Choice.WireNames())}</td>");
            sb.Append(string.Create(C, $"<td class=\"n\">{p.Score.Latency * 1e3:0.###}</td><td class=\"n\">{p.Score.Period * 1e3:0.###}</td><td class=\"n\">{p.Score.Throughput:0.##}</td>"));
            sb.Append(string.Create(C, $"<td class=\"n\">{p.Score.Accuracy:0.####}</td><td class=\"n\">{p.Score.Loss(s.Objective, s.Lambda) * 1e3:0.###}</td>"));
            if (measured is not null) sb.Append(accuracy is { } m ? string.Create(C, $"<td class=\"n\">{m:0.###}</td>") : "<td class=\"n\">-</td>");
            sb.Append("</tr>\n");
        }
        Row(o.Search.Chosen, "chosen", o.Accuracy?.Measured);
        foreach (var p in o.Search.Ablations) Row(p, "ablation-row", measured is not null && measured.TryGetValue(p.Name, out var m) ? m : null);
        return sb.Append("</tbody>\n</table></div>\n").ToString();
    }
}
