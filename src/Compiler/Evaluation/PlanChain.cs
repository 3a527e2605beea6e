using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>A compiled plan's part files, loaded from beside plan.json exactly as written and chained in pipeline order.</summary>
public static class PlanChain
{
    /// <returns>The chain, the loaded parts (the caller disposes both), and the plan's precision as plan.json states it.</returns>
    public static (ModelChain Chain, IReadOnlyList<LoadedModel> Parts, string Precision) Open(string planPath)
    {
        var (parts, precision) = LoadParts(planPath);
        try
        {
            return (new ModelChain(parts), parts, precision);
        }
        catch
        {
            foreach (var p in parts) p.Dispose();
            throw;
        }
    }

    /// <summary>The plan's runnable parts, loaded in order (the caller disposes them), and its precision as plan.json states it.</summary>
    public static (IReadOnlyList<LoadedModel> Parts, string Precision) LoadParts(string planPath)
    {
        var plan = PlanReader.Read(planPath);
        var parts = new List<LoadedModel>();
        try
        {
            foreach (var part in plan.RunnableParts()) parts.Add(ModelLoader.Load(plan.PathOf(part)));
            return (parts, plan.Document.Precision);
        }
        catch
        {
            foreach (var p in parts) p.Dispose();
            throw;
        }
    }
}
