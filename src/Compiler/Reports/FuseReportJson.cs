using System.Text.Json;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Cost;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>fuse's report as JSON: plan, blocks, left-alone reasons, cost before and after, verification.</summary>
public static class FuseReportJson
{
    public static string Write(FuseOutcome o, StrategyPlan plan, VerifyReport? check, string? written) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("model", o.Before.DisplayName);
        w.WriteString("strategy", plan.Default.ToString());
        w.WriteStartArray("regions");
        foreach (var (from, to, s) in plan.Regions)
        {
            w.WriteStartObject();
            w.WriteNumber("from", from);
            w.WriteNumber("to", to);
            w.WriteString("strategy", s.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("foldedBatchNorms", o.FoldBn.Rewrites.Count);
        w.WriteStartArray("blocks");
        foreach (var b in o.Fusion.Blocks)
        {
            w.WriteStartObject();
            w.WriteNumber("index", b.Index);
            w.WriteString("name", b.Name);
            w.WriteString("branches", b.Branches);
            w.WriteString("strategy", b.Strategy.ToString());
            w.WriteString("result", b.Result);
            w.WriteNumber("branchesFused", b.BranchesFused);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("leftAlone");
        foreach (var (pass, l) in o.FoldBn.LeftAlone.Select(l => (FoldBatchNorm.Name, l)).Concat(o.Fusion.Pass.LeftAlone.Select(l => (FuseBranches.Name, l))))
        {
            w.WriteStartObject();
            w.WriteString("pass", pass);
            w.WriteString("at", l.Anchor);
            w.WriteString("reason", l.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Cost(w, "before", o.Before);
        Cost(w, "after", o.After);
        if (check is not null)
        {
            w.WritePropertyName("verify");
            using var doc = JsonDocument.Parse(VerifyReportJson.Write(check, o.Before.DisplayName, "rewritten"));
            doc.RootElement.WriteTo(w);
        }
        if (written is null) w.WriteNull("written");
        else w.WriteString("written", written);
        w.WriteEndObject();
    });

    private static void Cost(Utf8JsonWriter w, string name, ModelAnalysis a)
    {
        CostReport c = a.Cost;
        w.WriteStartObject(name);
        w.WriteNumber("flops", c.Flops);
        w.WriteNumber("bytes", c.Bytes);
        w.WriteNumber("weightBytes", c.WeightBytes);
        w.WriteNumber("nodes", a.Graph.Nodes.Count);
        w.WriteEndObject();
    }
}
