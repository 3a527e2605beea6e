using OnnxCoDesign.Passes.Building;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Rewrite;

public sealed class SmokeTests
{
    [Fact]
    public void Smoke()
    {
        var original = RewriteRun.Tiny();
        foreach (var s in new[] { FusionStrategy.S1, FusionStrategy.S2, FusionStrategy.S3, FusionStrategy.S4 })
        {
            var (model, result) = RewriteRun.Fuse(original, s);
            GraphChecks.WellFormed(model);
            var err = OrtCompare.RelativeError(original, model);
            Console.WriteLine($"{s}: {result.Pass.Rewrites.Count} rewrites, {result.Pass.LeftAlone.Count} left, err {err}, convs {GraphChecks.Count(model, "Conv")} bn {GraphChecks.Count(model, "BatchNormalization")}");
            foreach (var l in result.Pass.LeftAlone) Console.WriteLine("  left " + l);
        }
    }
}
