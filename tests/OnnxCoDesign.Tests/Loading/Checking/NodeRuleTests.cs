using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Loading.Checking.CheckedModels;

namespace OnnxCoDesign.Tests.Loading.Checking;

/// <summary>Nodes of known operators against their schema: counts, required inputs, attributes, versions.</summary>
public sealed class NodeRuleTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private CodesignException Refused(string code, ModelProto model, string node)
    {
        var e = Refusal.ExpectLoad(code, Write(_dir, model));
        Assert.Contains($"node '{node}'", e.Message);
        return e;
    }

    [Fact]
    public void RefusesAddWithTenThousandInputs()
    {
        var model = Elementwise("Add", 10_000);
        var e = Refused(ErrorCodes.NodeArity, model, "n");
        Assert.Contains("has 10000 inputs; Add takes 2", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsAddWithTwoInputs()
    {
        var model = Elementwise("Add", 2);
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtRuns(model);
    }

    [Fact]
    public void RefusesConvWithFourInputs()
    {
        var model = TinyModels.ConvRelu();
        NodeNamed(model, "conv").Input.Add("B");
        Refused(ErrorCodes.NodeArity, model, "conv");
        AssertOrtRefuses(model);
    }

    [Fact]
    public void BoundsVariadicInputsOfConcat()
    {
        var ok = Elementwise("Concat", 64);
        ok.Graph.Node[0].Attribute.Add(NodeAttributes.Int("axis", 0));
        ModelLoader.Load(Write(_dir, ok, "ok.onnx")).Dispose();

        var huge = Elementwise("Concat", 100_000);
        huge.Graph.Node[0].Attribute.Add(NodeAttributes.Int("axis", 0));
        var e = Refused(ErrorCodes.NodeArity, huge, "n");
        Assert.Contains("1 to 2048 (this tool's bound)", e.Message);
    }

    [Fact]
    public void RefusesBatchNormalizationWithoutOutputs()
    {
        var model = ConvBn();
        NodeNamed(model, "bn").Output.Clear();
        model.Graph.Output[0].Name = "C";
        Refused(ErrorCodes.NodeArity, model, "bn");
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesEmptyRequiredInput()
    {
        var model = TinyModels.ConvRelu();
        NodeNamed(model, "conv").Input[1] = "";
        var e = Refused(ErrorCodes.RequiredInputMissing, model, "conv");
        Assert.Contains("input 1 is required", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsEmptyOptionalInput()
    {
        var model = TinyModels.ConvRelu();
        NodeNamed(model, "conv").Input[2] = "";
        model.Graph.Initializer.Remove(Initializer(model, "B"));
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtRuns(model);
    }

    [Fact]
    public void RefusesPadsGivenAsFloats()
    {
        var model = TinyModels.ConvRelu();
        var conv = NodeNamed(model, "conv");
        conv.Attribute.Remove(conv.Attribute.Single(a => a.Name == "pads"));
        conv.Attribute.Add(NodeAttributes.Floats("pads", 1, 1, 1, 1));
        var e = Refused(ErrorCodes.AttributeType, model, "conv");
        Assert.Contains("attribute 'pads' is FLOATS; Conv takes it as INTS", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesConstantWhoseValueIsNotATensor()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Node.Insert(0, TinyModels.Node("Constant", "const", [], ["K"], NodeAttributes.Float("value", 1f)));
        var e = Refused(ErrorCodes.AttributeType, model, "const");
        Assert.Contains("attribute 'value' is FLOAT; Constant takes it as TENSOR", e.Message);
        // ONNX Runtime turns Constant nodes into initializers without looking at the kind (it reads an empty
        // tensor here); onnx.checker refuses the attribute.
    }

    [Fact]
    public void RefusesConstantWithoutAValue()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Node.Insert(0, TinyModels.Node("Constant", "const", [], ["K"]));
        Refused(ErrorCodes.AttributeMissing, model, "const");
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesCastWithoutTo()
    {
        var model = TinyModels.Graph(["x"], ["y"], TinyModels.Node("Cast", "cast", ["x"], ["y"]));
        var e = Refused(ErrorCodes.AttributeMissing, model, "cast");
        Assert.Contains("attribute 'to' is required", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesMaxPoolWithoutKernelShape()
    {
        var model = TinyModels.ConvRelu();
        NodeNamed(model, "relu").OpType = "MaxPool";
        Refused(ErrorCodes.AttributeMissing, model, "relu");
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesOperatorNewerThanTheImportedOpset()
    {
        var model = TinyModels.ConvRelu(opset: 13);
        NodeNamed(model, "relu").OpType = "Gelu";
        var e = Refused(ErrorCodes.OpsetUnsupported, model, "relu");
        Assert.Contains("Gelu exists from opset 20; the model imports opset 13", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void NamesAnUnnamedNodeByItsOutput()
    {
        var model = TinyModels.ConvRelu();
        var conv = NodeNamed(model, "conv");
        conv.Name = "";
        conv.Input.Add("B");
        var e = Refusal.ExpectLoad(ErrorCodes.NodeArity, Write(_dir, model));
        Assert.Contains("the unnamed Conv node writing 'Y0'", e.Message);
    }

    [Fact]
    public void LeavesOperatorsOfOtherDomainsAlone()
    {
        // A custom op with any number of inputs and attributes is not the checker's to judge.
        var model = Elementwise("Add", 5);
        model.Graph.Node[0].Domain = "com.example";
        model.Graph.Node[0].Attribute.Add(NodeAttributes.Floats("pads", 1));
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
        ModelLoader.Load(Write(_dir, model)).Dispose();
    }
}
