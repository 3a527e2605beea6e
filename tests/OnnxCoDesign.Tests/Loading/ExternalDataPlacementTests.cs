using OnnxCoDesign.Tests.Support;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>Every tensor of a model is checked at load time, wherever it sits, not only the main graph's initializers.</summary>
public sealed class ExternalDataPlacementTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TensorProto Escaping(string name) =>
        ExternalWeightModel.MakeExternal(TinyModels.FloatTensor(name, [1f], 1), ("location", "../outside.bin"));

    private void ExpectEscape(ModelProto model, string tensor)
    {
        var e = Refusal.ExpectLoad(ErrorCodes.ExternalDataEscapes, _dir.Write("m.onnx", model.ToByteArray()));
        Assert.Contains($"'{tensor}'", e.Message);
    }

    [Fact]
    public void ChecksConstantNodeValue()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Node.Insert(0, TinyModels.Node("Constant", "c", [], ["C"], NodeAttributes.Tensor("value", Escaping("c_value"))));
        ExpectEscape(model, "c_value");
    }

    [Fact]
    public void ChecksInitializerOfASubgraph()
    {
        var branch = new GraphProto { Name = "then" };
        branch.Initializer.Add(Escaping("branch_weight"));
        var model = TinyModels.ConvRelu();
        model.Graph.Node.Add(TinyModels.Node("If", "if", ["X"], ["Z"],
            new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch }));
        ExpectEscape(model, "branch_weight");
    }

    [Fact]
    public void ChecksSparseInitializerValues()
    {
        var model = TinyModels.ConvRelu();
        var indices = new TensorProto { Name = "s_indices", DataType = ElementType.Int64 };
        indices.Dims.Add(1);
        indices.Int64Data.Add(0);
        var sparse = new SparseTensorProto { Values = Escaping("s_values"), Indices = indices };
        sparse.Dims.Add(4);
        model.Graph.SparseInitializer.Add(sparse);
        ExpectEscape(model, "s_values");
    }

    [Fact]
    public void ChecksConstantInsideAModelLocalFunction()
    {
        var model = TinyModels.ConvRelu();
        var function = new FunctionProto { Name = "f", Domain = "local" };
        function.Output.Add("out");
        function.Node.Add(TinyModels.Node("Constant", "fc", [], ["out"], NodeAttributes.Tensor("value", Escaping("f_value"))));
        model.Functions.Add(function);
        ExpectEscape(model, "f_value");
    }
}
