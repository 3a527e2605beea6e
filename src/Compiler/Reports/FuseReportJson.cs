using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>fuse's report as JSON (<see cref="FuseDocument"/>): plan, blocks, left-alone reasons, cost before and after, verification.</summary>
public static class FuseReportJson
{
    public static string Write(FuseOutcome o, StrategyPlan plan, VerifyReport? check, string? written, FuseQuantization? quantization = null,
        EvaluateDocument? evaluation = null) => CodesignJson.Write(new FuseDocument
    {
        Model = o.Before.DisplayName,
        Strategy = plan.Default.ToString(),
        Regions = plan.Regions.Select(r => new FuseRegion { From = r.From, To = r.To, Strategy = r.Strategy.ToString() }).ToList(),
        FoldedBatchNorms = o.FoldBn.Rewrites.Count,
        Blocks = o.Fusion.Blocks.Select(b => new FuseBlock
        {
            Index = b.Index,
            Name = b.Name,
            Branches = b.Branches,
            Strategy = b.Strategy.ToString(),
            Result = b.Result,
            BranchesFused = b.BranchesFused,
        }).ToList(),
        LeftAlone = o.FoldBn.LeftAlone.Select(l => (Pass: FoldBatchNorm.Name, l))
            .Concat(o.Fusion.Pass.LeftAlone.Select(l => (Pass: FuseBranches.Name, l)))
            .Select(x => new FuseLeftAlone { Pass = x.Pass, At = x.l.Anchor, Reason = x.l.Reason }).ToList(),
        Before = Cost(o.Before),
        After = Cost(o.After),
        Verify = check is null ? null : VerifyReportJson.Document(check, o.Before.DisplayName, "rewritten"),
        Written = written,
        Evaluation = evaluation,
        Quantization = quantization,
        Warnings = Warnings.From(o.Warnings),
    }, CodesignJsonWriter.Default.FuseDocument);

    private static FuseCost Cost(ModelAnalysis a) => new()
    {
        Flops = a.Cost.Flops,
        Bytes = a.Cost.Bytes,
        WeightBytes = a.Cost.WeightBytes,
        Nodes = a.Graph.Nodes.Count,
    };
}
