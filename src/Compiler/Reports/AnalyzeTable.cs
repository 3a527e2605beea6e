using System.Globalization;
using OnnxCoDesign.Compiler.Pipeline;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>analyze's terminal output: totals, the per-operator summary, then every node.</summary>
public static class AnalyzeTable
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Write(ModelAnalysis a, TextWriter o)
    {
        var cost = a.Cost;
        o.WriteLine($"model {a.DisplayName}: opset {a.Graph.Opset}, {a.Graph.Nodes.Count} nodes");
        foreach (var i in a.Graph.Inputs) o.WriteLine($"  input  {i.Name}: {a.Shapes.TypeOf(i.Name)}");
        foreach (var i in a.Graph.Outputs) o.WriteLine($"  output {i.Name}: {a.Shapes.TypeOf(i.Name)?.ToString() ?? "?"}");
        o.WriteLine(string.Create(C, $"  FLOPs {Giga(cost.Flops)} G ({Giga(cost.Macs)} GMACs)   parameters {cost.Parameters / 1e6:F3} M"));
        o.WriteLine(string.Create(C, $"  traffic {Mega(cost.Bytes)} MB   weights {Mega(cost.WeightBytes)} MB   activations {Mega(cost.ActivationBytes)} MB"));
        o.WriteLine(string.Create(C, $"  intensity {cost.Intensity:F2} FLOP/B (node traffic)   paperIntensity {cost.PaperIntensity:F2} FLOP/B"));
        var kernels = a.Kernels;
        var kernelBytes = kernels.Kernels.Sum(k => k.Bytes);
        o.WriteLine(string.Create(C, $"  kernels {kernels.Launched} launched as TensorRT fuses them ({kernels.Kernels.Count - kernels.Launched} free views)   kernel traffic {Mega(kernelBytes)} MB"));
        if (cost.IsPartial)
        {
            o.WriteLine($"  cost UNKNOWN for {cost.UnknownNodes.Count} node(s): " +
                string.Join(", ", cost.UnknownNodes.Select(n => $"{n.Node} ({n.OpType})")) + " — totals are lower bounds");
        }
        o.WriteLine();
        o.WriteLine($"  {"operator",-22} {"count",6} {"MFLOPs",12} {"MB",10} {"share",7}");
        foreach (var s in cost.Operators)
        {
            var share = cost.Flops > 0 ? 100.0 * s.Flops / cost.Flops : 0;
            var flops = s.UnknownCount > 0 ? "unknown" : Mega(s.Flops);
            o.WriteLine(string.Create(C, $"  {s.OpType,-22} {s.Count,6} {flops,12} {Mega(s.Bytes),10} {share,6:F1}%"));
        }
        o.WriteLine();
        o.WriteLine($"  {"node",-32} {"op",-20} {"output shape",-20} {"MFLOPs",10} {"KB",10} {"FLOP/B",8}  kernel");
        foreach (var n in cost.Nodes)
        {
            var flops = n.Flops is { } f ? Mega(f) : "unknown";
            var intensity = n.Intensity is { } i ? i.ToString("F2", C) : "-";
            o.WriteLine(string.Create(C, $"  {Clip(n.Node, 32),-32} {Clip(n.OpType, 20),-20} {Clip(string.Join(" ", n.Shapes), 20),-20} {flops,10} {n.Bytes / 1024.0,10:F1} {intensity,8}  {Clip(kernels.Of(n.Node).Name, 32)}"));
        }
    }

    private static string Giga(long v) => (v / 1e9).ToString("F3", C);

    private static string Mega(long v) => (v / 1e6).ToString("F3", C);

    private static string Clip(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";
}
