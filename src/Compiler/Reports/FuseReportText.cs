using System.Globalization;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>fuse's terminal report: blocks found and what each became, what was left alone and why, cost before and after.</summary>
public static class FuseReportText
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(FuseOutcome o, StrategyPlan plan, VerifyReport? check, string? written, TextWriter w)
    {
        var blocks = o.Fusion.Blocks;
        var rewritten = blocks.Count(b => !b.Result.StartsWith("left alone", StringComparison.Ordinal));
        w.WriteLine($"model {o.Before.DisplayName}: default strategy {plan.Default}" +
                    (plan.Regions.Count == 0 ? "" : ", regions " + string.Join(", ", plan.Regions.Select(r => $"{r.From}-{r.To}={r.Strategy}"))));
        w.WriteLine($"fold-bn: {o.FoldBn.Rewrites.Count} BatchNormalization folded into convs");
        w.WriteLine($"fuse-branches: {blocks.Count} RepVGG blocks found, {rewritten} rewritten, {blocks.Count - rewritten} left alone");
        if (blocks.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"  {"block",5}  {"name",-24} {"branches",-28} {"strategy",-8} {"result"}");
            foreach (var b in blocks) w.WriteLine($"  {b.Index,5}  {b.Name,-24} {b.Branches,-28} {b.Strategy,-8} {b.Result}");
        }
        var leftAlone = o.FoldBn.LeftAlone.Select(l => ("fold-bn", l)).Concat(o.Fusion.Pass.LeftAlone.Select(l => ("fuse-branches", l))).ToList();
        if (leftAlone.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("left alone:");
            foreach (var (pass, l) in leftAlone) w.WriteLine($"  {pass}: {l.Anchor}: {l.Reason}");
        }
        w.WriteLine();
        w.WriteLine($"  {"",-12} {"before",14} {"after",14} {"after/before",13}");
        Row(w, "GFLOPs", o.Before.Cost.Flops / 1e9, o.After.Cost.Flops / 1e9);
        Row(w, "MB traffic", o.Before.Cost.Bytes / 1e6, o.After.Cost.Bytes / 1e6);
        Row(w, "MB weights", o.Before.Cost.WeightBytes / 1e6, o.After.Cost.WeightBytes / 1e6);
        Row(w, "nodes", o.Before.Graph.Nodes.Count, o.After.Graph.Nodes.Count);
        if (check is not null)
        {
            w.WriteLine();
            VerifyReportText.Write(check, o.Before.DisplayName, "rewritten", w);
        }
        w.WriteLine(written is null ? "nothing written: the rewritten model failed verification" : $"wrote {written}");
    }

    private static void Row(TextWriter w, string label, double before, double after) =>
        w.WriteLine(string.Create(C, $"  {label,-12} {before,14:F3} {after,14:F3} {(before > 0 ? after / before : 0),13:F3}"));
}
