using System.Globalization;
using System.Text;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Cost;

namespace OnnxCoDesign.Tests.Devices;

/// <summary>How the ONNX exporter named the nodes TensorRT names its layers after.</summary>
public enum ExportNaming
{
    /// <summary>PyTorch 1.x: "Conv_12"; TensorRT 8 layer "Conv_12 + Relu_13".</summary>
    Trt8,

    /// <summary>PyTorch 2: "/layer1/layer1.0/conv1/Conv"; TensorRT 10 layer "/layer1/layer1.0/conv1/Conv + /layer1/layer1.0/relu/Relu".</summary>
    Trt10,
}

/// <summary>
/// Writes files in trtexec's formats, as samples/common/sampleReporting.cpp does (Profiler::exportJSONProfile,
/// exportJSONTrace), and the layers TensorRT would report for a part's kernels timed by a known profile.
/// </summary>
internal static class TrtexecFiles
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The model with its nodes renamed as an exporter of that style names them.</summary>
    public static ModelProto Named(ModelProto model, ExportNaming naming)
    {
        var copy = model.Clone();
        for (var i = 0; i < copy.Graph.Node.Count; i++)
        {
            var n = copy.Graph.Node[i];
            n.Name = naming == ExportNaming.Trt8 ? $"{n.OpType}_{i}" : $"/{n.Name.Replace('.', '/')}/{n.OpType}";
        }
        return copy;
    }

    /// <summary>One layer per launched kernel, its time the kernel's under <paramref name="truth"/>, named as TensorRT fuses it.</summary>
    public static List<(string Name, double Seconds)> Layers(ModelAnalysis part, DeviceProfile truth, Precision precision)
    {
        var kernels = part.KernelsFor(KernelTime.RulesFor(truth));
        return kernels.Kernels.Where(k => !k.IsFree).Select(k => (LayerName(k), KernelTime.Seconds(k, truth, precision))).ToList();
    }

    /// <summary>"Conv_0 + Relu_1"; a pointwise chain as TensorRT's "PWN(PWN(Sigmoid_3), Mul_4)".</summary>
    public static string LayerName(Kernel k) =>
        k.Kind == KernelKind.Pointwise && k.Nodes.Count > 1
            ? k.Nodes.Skip(1).Aggregate($"PWN({k.Nodes[0]})", (acc, n) => $"PWN({acc}, {n})")
            : string.Join(" + ", k.Nodes);

    /// <summary>
    /// The --exportProfile text: {"count"} first, then one object per layer; medianMs only from TensorRT 8.4 on
    /// (<paramref name="median"/>). Numbers as C++ streams print them (6 significant digits).
    /// </summary>
    public static string Profile(IEnumerable<(string Name, double Seconds)> layers, int runs = 100, bool median = true)
    {
        var list = layers.ToList();
        var total = list.Sum(l => l.Seconds) * runs * 1e3;
        var o = new StringBuilder();
        o.Append("[\n  { \"count\" : ").Append(runs).Append(" }\n");
        foreach (var (name, seconds) in list)
        {
            var ms = seconds * 1e3;
            o.Append(", { \"name\" : \"").Append(name).Append("\", \"timeMs\" : ").Append(G(ms * runs)).Append(", \"averageMs\" : ").Append(G(ms));
            if (median) o.Append(", \"medianMs\" : ").Append(G(ms));
            o.Append(", \"percentage\" : ").Append(G(ms * runs / total * 100)).Append(" }\n");
        }
        return o.Append("]\n").ToString();
    }

    /// <summary>The --exportTimes text (TensorRT 8+ keys) of runs whose GPU compute took <paramref name="computeMs"/> each.</summary>
    public static string Times(IReadOnlyList<double> computeMs)
    {
        var o = new StringBuilder("[\n");
        var t = 100.0;
        for (var i = 0; i < computeMs.Count; i++)
        {
            var c = computeMs[i];
            o.Append(i == 0 ? "  " : ", ").Append(string.Create(C,
                $"{{ \"startEnqMs\" : {G(t)}, \"endEnqMs\" : {G(t + 0.1)}, \"startH2dMs\" : {G(t + 0.1)}, \"endH2dMs\" : {G(t + 0.2)}, \"startComputeMs\" : {G(t + 0.2)}, \"endComputeMs\" : {G(t + 0.2 + c)}, \"startD2hMs\" : {G(t + 0.2 + c)}, \"endD2hMs\" : {G(t + 0.25 + c)}, \"h2dMs\" : 0.1, \"computeMs\" : {G(c)}, \"d2hMs\" : 0.05, \"latencyMs\" : {G(c + 0.15)} }}\n"));
            t += c + 1;
        }
        return o.Append("]\n").ToString();
    }

    public static string G(double x) => x.ToString("G6", C);

    public static byte[] Bytes(ModelProto model) => model.ToByteArray();
}
