using System.Diagnostics;
using OnnxCoDesign.Passes.Building;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Tests.Support;
using Xunit.Abstractions;

namespace OnnxCoDesign.Tests.Rewrite;

public sealed class ScratchProbe(ITestOutputHelper o)
{
    [Fact]
    public void Probe()
    {
        var sw = Stopwatch.StartNew();
        var a0 = Samples.RepVggA0();
        o.WriteLine($"a0 build {sw.ElapsedMilliseconds}"); sw.Restart();
        var (f, r) = RewriteRun.Fuse(a0, FusionStrategy.S1);
        o.WriteLine($"fuse {sw.ElapsedMilliseconds} {r.Blocks.Count}"); sw.Restart();
        for (int k = 0; k < 3; k++) { RewriteRun.Fuse(a0, FusionStrategy.S1); o.WriteLine($"fuse again {sw.ElapsedMilliseconds}"); sw.Restart(); }
        for (int k = 0; k < 2; k++) { a0.Clone(); o.WriteLine($"clone {sw.ElapsedMilliseconds}"); sw.Restart(); }
        for (int k = 0; k < 2; k++) { new ModelGraph(a0.Clone()); o.WriteLine($"clone+graph {sw.ElapsedMilliseconds}"); sw.Restart(); }
        for (int k = 0; k < 2; k++) { RewriteRun.FoldBn(a0); o.WriteLine($"fold {sw.ElapsedMilliseconds}"); sw.Restart(); }
        o.WriteLine($"err {OrtCompare.RelativeError(a0, f)} {sw.ElapsedMilliseconds}"); sw.Restart();
        o.WriteLine($"flops {Analysis.Of(f).Cost.Flops} {Analysis.Of(Samples.RepVggA0Deploy()).Cost.Flops} {sw.ElapsedMilliseconds}"); sw.Restart();
        var rn = Samples.ResNet50(BatchNormForm.Separate);
        o.WriteLine($"rn build {sw.ElapsedMilliseconds}"); sw.Restart();
        var (rf, rr) = RewriteRun.FoldBn(rn);
        o.WriteLine($"rn fold {sw.ElapsedMilliseconds} {rr.Rewrites.Count} {rr.LeftAlone.Count}"); sw.Restart();
        o.WriteLine($"rn err {OrtCompare.RelativeError(rn, rf, samples: 1)} {sw.ElapsedMilliseconds}"); sw.Restart();
        foreach (var b in r.Blocks) o.WriteLine(b.ToString());
        var t8 = RepVggNet.Train(new RepVggLayout([8, 8, 16], [1, 2, 2], 1, InputSize: 16, Classes: 10), RepVggExportForm.BnSeparate, new SampleOptions(Opset: 8));
        var (t8f, t8r) = RewriteRun.FoldBn(t8);
        o.WriteLine($"t8 {t8r.Rewrites.Count} {t8r.LeftAlone.Count} inputs {t8.Graph.Input.Count}->{t8f.Graph.Input.Count} init {t8f.Graph.Initializer.Count}");
        o.WriteLine($"t8 err {OrtCompare.RelativeError(t8, t8f)}");
        o.WriteLine(GraphPrinter.Print(new ModelGraph(t8f)));
    }
}
