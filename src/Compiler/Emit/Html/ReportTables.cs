using System.Globalization;
using System.Text;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Precision;
using static OnnxCoDesign.Compiler.Emit.Svg.SvgCanvas;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>The report's tables: parts, transfers, baselines and every block's strategy. Numbers right-aligned, names encoded.</summary>
public static class ReportTables
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Parts(CompileOutcome o)
    {
        var sb = new StringBuilder("<div class=\"table-wrap\"><table id=\"parts-table\">\n<thead><tr><th>part</th><th>device</th><th>precision</th><th>file</th><th>strategy</th><th>nodes</th><th>blocks</th>" +
                                   "<th>GFLOPs</th><th>MB at precision</th><th>FLOP/byte</th><th>ridge</th><th>bound</th><th>roof GFLOP/s</th><th>predicted ms</th></tr></thead>\n<tbody>\n");
        foreach (var p in o.Plan.Parts)
        {
            var d = p.Device;
            var precision = p.Precision;
            var bytes = p.Bytes * RooflineTime.BytesScale(precision);
            var intensity = bytes > 0 ? p.Flops / bytes : double.NaN;
            var ridge = d.Ridge(precision);
            var bound = !double.IsFinite(intensity) ? "-" : intensity < ridge ? "memory" : "compute";
            var attainable = double.IsFinite(intensity) ? Math.Min(d.Peak(precision), intensity * d.MemoryBandwidth) / 1e9 : double.NaN;
            var role = PartRoles.Of(o, p.Index);
            if (role != PartRole.Compute)
            {
                // No model: say what the device does instead of a row of zeros.
                sb.Append($"<tr class=\"part-row {role.ToString().ToLowerInvariant()}\" data-part=\"{p.Index}\" data-role=\"{role.ToString().ToLowerInvariant()}\"><td>part{p.Index}</td><td>{Esc(d.Name)}</td>");
                sb.Append($"<td class=\"role\" colspan=\"12\">{Esc(role.ToString().ToLowerInvariant())}: {Esc(PartRoles.Describe(o, p.Index))}</td></tr>\n");
                continue;
            }
            sb.Append($"<tr class=\"part-row\" data-part=\"{p.Index}\"><td>part{p.Index}</td><td>{Esc(d.Name)}</td><td>{precision.Name()}</td><td>{Esc(p.File ?? "(relay)")}</td><td>{Esc(p.Strategy?.ToString() ?? "-")}</td>");
            sb.Append(string.Create(C, $"<td class=\"n\">{p.Nodes.Count}</td><td class=\"n\">{p.Blocks.Count}</td><td class=\"n\">{p.Flops / 1e9:0.###}</td><td class=\"n\">{bytes / 1e6:0.###}</td>"));
            sb.Append($"<td class=\"n\">{Num(intensity, "0.##")}</td><td class=\"n\">{Num(ridge, "0.##")}</td><td>{bound}</td><td class=\"n\">{Num(attainable, "0.#")}</td>");
            sb.Append(string.Create(C, $"<td class=\"n\">{p.PredictedSeconds * 1e3:0.###}</td></tr>\n"));
        }
        sb.Append("</tbody>\n</table></div>\n");

        // Each part's edges apart from its figures: tensor names are long and would squeeze the numbers.
        sb.Append("<div class=\"table-wrap\"><table id=\"part-edges-table\">\n<thead><tr><th>part</th><th>inputs</th><th>outputs</th></tr></thead>\n<tbody>\n");
        foreach (var p in o.Plan.Parts.Where(p => p.Model is not null))
        {
            sb.Append($"<tr><td>part{p.Index}</td><td class=\"tensors\">{Tensors(p.Inputs)}</td><td class=\"tensors\">{Tensors(p.Outputs)}</td></tr>\n");
        }
        return sb.Append("</tbody>\n</table></div>\n").ToString();
    }

    /// <summary>Every link's transfer (a device with no model forwarding it marked as a relay), then the results' way back on the downlink, if any.</summary>
    public static string Transfers(CompileOutcome o)
    {
        var sb = new StringBuilder("<div class=\"table-wrap\"><table id=\"transfers-table\">\n<thead><tr><th>link</th><th>from</th><th>to</th><th>tensors</th><th>format</th><th>kB</th>" +
                                   "<th>serialization ms</th><th>latency ms</th><th>ms</th></tr></thead>\n<tbody>\n");
        foreach (var t in o.Plan.Transfers)
        {
            var relay = PartRoles.Of(o, t.Link) == PartRole.Relay;
            sb.Append($"<tr{(relay ? " class=\"relay\"" : "")}><td>link{t.Link}</td><td>{Esc(t.From)}{(relay ? " (relay)" : "")}</td><td>{Esc(t.To)}</td><td class=\"tensors\">{Tensors(t.Tensors)}</td>");
            Figures(sb, t);
        }
        foreach (var r in o.Plan.Returns)
        {
            sb.Append($"<tr class=\"return\"><td>link{r.Link} back</td><td>{Esc(r.From)}</td><td>{Esc(r.To)}</td><td class=\"tensors\">{Tensors(r.Tensors)}</td>");
            Figures(sb, r);
        }
        return sb.Append("</tbody>\n</table></div>\n").ToString();
    }

    private static void Figures(StringBuilder sb, PlannedTransfer t) =>
        sb.Append(string.Create(C, $"<td>{Esc(PlanSentence.Format(t))}</td><td class=\"n\">{t.Bytes / 1e3:0.#}</td><td class=\"n\">{t.SerializationSeconds * 1e3:0.###}</td>" +
                                   $"<td class=\"n\">{t.LatencySeconds * 1e3:0.###}</td><td class=\"n\">{t.Seconds * 1e3:0.###}</td></tr>\n"));

    public static string Baselines(CompileOutcome o)
    {
        var s = o.Settings;
        var plans = o.Search.Baselines.Append(o.Search.Chosen).ToList();
        var sb = new StringBuilder("<div class=\"table-wrap\"><table id=\"baselines-table\">\n<thead><tr><th>#</th><th>plan</th><th>cuts</th><th>strategies</th><th>wire</th><th>latency ms</th><th>throughput /s</th><th>A</th><th>L ms</th></tr></thead>\n<tbody>\n");
        for (var i = 0; i < plans.Count; i++)
        {
            var b = plans[i];
            var chosen = i == plans.Count - 1;
            sb.Append($"<tr{(chosen ? " class=\"chosen\"" : "")}><td>{(chosen ? "●" : (i + 1).ToString(C))}</td><td title=\"{Esc(b.Description)}\">{Esc(b.Name)}</td>");
            sb.Append($"<td>{Esc(string.Join(",", b.Choice.Cuts))}</td><td>{Esc(b.Choice.StrategyNames())}</td><td>{Esc(b.Choice.WireNames())}</td>");
            sb.Append(string.Create(C, $"<td class=\"n\">{b.Score.Latency * 1e3:0.###}</td><td class=\"n\">{b.Score.Throughput:0.##}</td><td class=\"n\">{b.Score.Accuracy:0.####}</td><td class=\"n\">{b.Score.Loss(s.Objective, s.Lambda) * 1e3:0.###}</td></tr>\n"));
        }
        return sb.Append("</tbody>\n</table></div>\n").ToString();
    }

    /// <summary>Every block with its part, strategy and what fusing left, folded away by default (the strip shows the same).</summary>
    public static string Blocks(CompileOutcome o)
    {
        var blocks = o.Plan.Fusion.Blocks;
        if (blocks.Count == 0) return "<p class=\"caption\">The model has no RepVGG blocks: strategies change nothing.</p>\n";
        var sb = new StringBuilder($"<details><summary>{blocks.Count} blocks</summary>\n<table id=\"blocks-table\">\n<thead><tr><th>block</th><th>name</th><th>part</th><th>strategy</th><th>result</th></tr></thead>\n<tbody>\n");
        foreach (var b in blocks)
        {
            var part = o.Plan.Parts.First(p => p.Blocks.Contains(b.Index)).Index;
            sb.Append($"<tr><td class=\"n\">{b.Index}</td><td>{Esc(b.Name)}</td><td>part{part}</td><td>{b.Strategy}</td><td>{Esc(b.Result)}</td></tr>\n");
        }
        return sb.Append("</tbody>\n</table>\n</details>\n").ToString();
    }

    private static string Tensors(IReadOnlyList<TensorSpec> tensors) =>
        string.Join("<br>", tensors.Select(t => Esc($"{t.Name} {t.Type}[{string.Join("×", t.Shape)}]")));

    private static string Num(double v, string format) => double.IsFinite(v) ? v.ToString(format, C) : "-";
}
