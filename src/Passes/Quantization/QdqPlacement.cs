using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Rewrite;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Passes.Quantization;

/// <summary>
/// Where explicit (QDQ) int8 quantization goes, following TensorRT's Q/DQ placement guidance (and NVIDIA
/// ModelOpt's ONNX PTQ, which places by the same rules): quantize the inputs of the operators that run in
/// int8, never a tensor between a Conv and the BN/ReLU/Add epilogue TensorRT fuses into it.
/// <list type="bullet">
/// <item>Activations: the data input of every Conv and ConvTranspose, and every non-constant input of
/// Gemm and MatMul.</item>
/// <item>Residual Add (two float activations of the same shape, neither constant): every input but one that
/// TensorRT fuses the Add into, the output of a Conv or Gemm whose only reader is this Add (Conv+Add runs as
/// one int8 kernel whose residual input is quantized). When both inputs are such outputs (RepVGG's
/// Add(conv3(x), conv1(x))), input 0 is left and input 1 quantized.</item>
/// <item>Weights: every float32 initializer weight of Conv (axis 0), ConvTranspose (axis 1: [Cin, Cout/g, …]),
/// Gemm (axis 0 with transB=1, else 1) and MatMul with a 2-D B (axis 1); biases stay float32.</item>
/// </list>
/// A tensor is quantized once; only the readers chosen here read its DequantizeLinear (a Relu reading the same
/// tensor stays fp32). Pure: reads the graph and its shapes, never edits.
/// </summary>
public static class QdqPlacement
{
    public static readonly IReadOnlyList<string> LinearOps = ["Conv", "ConvTranspose", "Gemm", "MatMul"];

    public static QdqSites Of(ModelGraph graph, ShapeInferenceResult shapes)
    {
        var readers = new Dictionary<string, List<TensorReader>>(StringComparer.Ordinal);
        var weights = new List<WeightSite>();
        var leftAlone = new List<LeftAlone>();
        void Read(string tensor, GraphNode node, int slot)
        {
            if (!readers.TryGetValue(tensor, out var list)) readers[tensor] = list = [];
            list.Add(new TensorReader(node.Name, slot));
        }

        foreach (var node in graph.Nodes.Where(n => n.Domain.Length == 0))
        {
            switch (node.OpType)
            {
                case "Conv" or "ConvTranspose" or "Gemm" or "MatMul":
                    Linear(graph, shapes, node, Read, weights, leftAlone);
                    break;
                case "Add":
                    ResidualAdd(graph, shapes, node, Read);
                    break;
            }
        }

        var inputIndex = graph.Inputs.Select((v, i) => (v.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var activations = readers
            .OrderBy(r => graph.ProducerOf(r.Key)?.Order ?? inputIndex.GetValueOrDefault(r.Key) - inputIndex.Count)
            .Select(r => new ActivationSite(r.Key, r.Value))
            .ToList();
        return new QdqSites(activations, weights, leftAlone);
    }

    private static void Linear(ModelGraph graph, ShapeInferenceResult shapes, GraphNode node, Action<string, GraphNode, int> read,
        List<WeightSite> weights, List<LeftAlone> leftAlone)
    {
        if (node.Input(0) is { } x && IsActivation(graph, shapes, x)) read(x, node, 0);
        if (node.Input(1) is not { } w) return;
        if (IsActivation(graph, shapes, w))
        {
            // A Gemm or MatMul of two activations runs in int8 with both inputs quantized; a Conv whose
            // weight is computed at run time has no per-channel weight scale to give, so it stays as is.
            if (node.OpType is "Gemm" or "MatMul") read(w, node, 1);
            else leftAlone.Add(new LeftAlone(node.Name, $"its weight '{w}' is not a constant"));
            return;
        }
        if (!graph.IsInitializer(w) || graph.Initializers[w].DataType != ElementType.Float)
        {
            leftAlone.Add(new LeftAlone(node.Name, $"its weight '{w}' is not a float32 initializer"));
            return;
        }
        var rank = graph.Initializers[w].Dims.Count;
        int? axis = node.OpType switch
        {
            "Conv" when rank >= 3 => 0,
            "ConvTranspose" when rank >= 3 => 1,
            "Gemm" when rank == 2 => node.Proto.GetInt("transB", 0) == 1 ? 0 : 1,
            "MatMul" when rank == 2 => 1,
            _ => null,
        };
        if (axis is null)
        {
            leftAlone.Add(new LeftAlone(node.Name, $"its weight '{w}' has rank {rank}, which has no per-channel axis here"));
            return;
        }
        weights.Add(new WeightSite(node.Name, node.OpType, 1, w, axis.Value));
    }

    private static void ResidualAdd(ModelGraph graph, ShapeInferenceResult shapes, GraphNode add, Action<string, GraphNode, int> read)
    {
        if (add.Inputs.Count != 2 || add.Input(0) is not { } a || add.Input(1) is not { } b) return;
        if (!IsActivation(graph, shapes, a) || !IsActivation(graph, shapes, b)) return;
        var (ta, tb) = (shapes.TypeOf(a), shapes.TypeOf(b));
        if (ta?.Dims is null || tb is null || !ta.SameAs(tb)) return;
        var fused = IsFusableInto(graph, a, add) ? 0 : IsFusableInto(graph, b, add) ? 1 : -1;
        if (fused != 0) read(a, add, 0);
        if (fused != 1) read(b, add, 1);
    }

    /// <summary>The output of a Conv or Gemm whose only reader is <paramref name="add"/>: TensorRT fuses the Add into it.</summary>
    private static bool IsFusableInto(ModelGraph graph, string tensor, GraphNode add)
    {
        var producer = graph.ProducerOf(tensor);
        if (producer is null || producer.Domain.Length != 0 || producer.OpType is not ("Conv" or "Gemm")) return false;
        var readers = graph.ConsumersOf(tensor);
        return readers.Count == 1 && readers[0].Node == add && !graph.IsGraphOutput(tensor);
    }

    /// <summary>A float32 tensor computed at run time: a runtime input or a node's output, not a constant.</summary>
    private static bool IsActivation(ModelGraph graph, ShapeInferenceResult shapes, string tensor) =>
        graph.ConstantOf(tensor) is null && shapes.TypeOf(tensor)?.ElemType == ElementType.Float;
}
