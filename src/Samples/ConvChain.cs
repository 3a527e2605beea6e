using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>
/// A long plain chain, Conv 3×3 → Relu repeated, on a small 8-channel 8×8 map: a model with as many
/// candidate cuts as nodes and no RepVGG block, for sizing the planner (its units grow with the nodes
/// while each node stays cheap to analyse). <c>layers</c> Conv/Relu pairs make 2·layers nodes.
/// </summary>
public static class ConvChain
{
    public static ModelProto Build(int layers, SampleOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        var o = options ?? SampleOptions.Default;
        var (l, x) = o.Start("conv_chain", 8, 8, 8);
        for (var i = 0; i < layers; i++) x = l.Relu(l.Conv(x, new ConvSpec(8, 3), name: $"conv{i}"), $"relu{i}");
        l.Builder.Output(x.Name, ElementType.Float, x.Dims(o.BatchDim));
        return l.Builder.Build();
    }
}
