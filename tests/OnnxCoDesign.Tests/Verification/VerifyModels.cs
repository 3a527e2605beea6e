using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Verification;

/// <summary>Models for verification tests: RepVGG-A0 built once, and tiny graphs that differ in one way each.</summary>
internal static class VerifyModels
{
    private static readonly Lazy<ModelProto> Train = new(() => SampleModels.RepVggA0(RepVggExportForm.BnSeparate));
    private static readonly Lazy<ModelProto> Deploy = new(() => SampleModels.RepVggA0Deploy());

    /// <summary>RepVGG-A0 with BN kept separate (the unfused original).</summary>
    public static LoadedModel RepVggA0Train => LoadedModel.InMemory(Train.Value);

    /// <summary>Its exact fusion (same seed).</summary>
    public static LoadedModel RepVggA0Deploy => LoadedModel.InMemory(Deploy.Value);

    /// <summary>x[1,4] → Relu → y[1,4].</summary>
    public static ModelProto Relu()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 4);
        b.NamedNode("relu", "Relu", ["x"], ["y"]);
        b.Output("y", ElementType.Float, 1, 4);
        return b.Build();
    }

    /// <summary>x[1,4] → Relu → Reshape → y[2,2]: the same values in another shape.</summary>
    public static ModelProto ReluReshaped()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 4).Initializer("shape", new long[] { 2, 2 }, 2);
        var r = b.Node("Relu", ["x"]);
        b.NamedNode("reshape", "Reshape", [r, "shape"], ["y"]);
        b.Output("y", ElementType.Float, 2, 2);
        return b.Build();
    }

    /// <summary>x[1,4] → Relu → z: the output has another name.</summary>
    public static ModelProto ReluRenamed()
    {
        var b = new OnnxModelBuilder().Input("x", ElementType.Float, 1, 4);
        b.NamedNode("relu", "Relu", ["x"], ["z"]);
        b.Output("z", ElementType.Float, 1, 4);
        return b.Build();
    }

    /// <summary>Two inputs: a[1,3] + b[1,3] → y.</summary>
    public static ModelProto TwoInputs()
    {
        var b = new OnnxModelBuilder().Input("a", ElementType.Float, 1, 3).Input("b", ElementType.Float, 1, 3);
        b.NamedNode("add", "Add", ["a", "b"], ["y"]);
        b.Output("y", ElementType.Float, 1, 3);
        return b.Build();
    }
}
