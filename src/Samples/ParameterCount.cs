using Onnx;

namespace OnnxCoDesign.Samples;

/// <summary>Counts of initializer elements, for checking sample models against their published sizes.</summary>
public static class ParameterCount
{
    /// <summary>Every initializer element.</summary>
    public static long Initializers(ModelProto model) =>
        model.Graph.Initializer.Sum(t => TensorFactory.ElementCount(t.Dims));

    /// <summary>
    /// What PyTorch's <c>sum(p.numel() for p in parameters())</c> counts: every initializer except the
    /// BatchNormalization running mean and variance (inputs 3 and 4), which are buffers, not parameters.
    /// </summary>
    public static long Learnable(ModelProto model)
    {
        var buffers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in model.Graph.Node.Where(n => n.OpType == "BatchNormalization"))
        {
            for (int i = 3; i < n.Input.Count; i++) buffers.Add(n.Input[i]);
        }
        return model.Graph.Initializer.Where(t => !buffers.Contains(t.Name)).Sum(t => TensorFactory.ElementCount(t.Dims));
    }
}
