using System.Diagnostics;
using OnnxCoDesign.Passes.Building;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Partition;
using OnnxCoDesign.Passes.Shapes;
namespace OnnxCoDesign.Tests.Partition;
public sealed class ZzProbe
{
    [Fact]
    public void Time()
    {
        var model = Samples.ResNet50();
        var lines = new List<string>();
        for (var rep = 0; rep < 3; rep++)
        {
            var w = Stopwatch.StartNew();
            var g = new ModelGraph(model);
            var t0 = w.Elapsed;
            var s = ShapeInference.Run(g);
            var t1 = w.Elapsed;
            var c = CutPoints.Of(g, s);
            var all = c.All().ToList();
            var t2 = w.Elapsed;
            var parts = PartExtractor.Split(g, s, [g.Nodes.Count / 2]);
            var t3 = w.Elapsed;
            lines.Add($"graph {t0.TotalMilliseconds} shapes {(t1 - t0).TotalMilliseconds} cuts {(t2 - t1).TotalMilliseconds} split {(t3 - t2).TotalMilliseconds} maxcross {all.Max(x => x.Tensors.Count)} nodes {g.Nodes.Count}");
        }
        File.WriteAllLines("/tmp/time.txt", lines);
    }
}
