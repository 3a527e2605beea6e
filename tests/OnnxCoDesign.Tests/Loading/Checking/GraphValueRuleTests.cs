using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Loading.Checking.CheckedModels;

namespace OnnxCoDesign.Tests.Loading.Checking;

/// <summary>Graph inputs and outputs: declared once, typed, and in agreement with an initializer of the same name.</summary>
public sealed class GraphValueRuleTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>ConvRelu with W and B also listed as graph inputs, as IR 3 (opset 8) exports write them.</summary>
    private static ModelProto InitializersAsInputs()
    {
        var model = TinyModels.ConvRelu(opset: 8);
        model.IrVersion = 3;
        model.Graph.Input.Add(TinyModels.Value("W", 16, 3, 3, 3));
        model.Graph.Input.Add(TinyModels.Value("B", 16));
        return model;
    }

    [Fact]
    public void RefusesInputWithUndefinedElementType()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Input[0].Type.TensorType.ElemType = 0;
        var e = Refusal.ExpectLoad(ErrorCodes.ValueTypeMissing, Write(_dir, model));
        Assert.Contains("graph input 'X'", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesOutputWithUndefinedElementType()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Output[0].Type.TensorType.ElemType = 0;
        var e = Refusal.ExpectLoad(ErrorCodes.ValueTypeMissing, Write(_dir, model));
        Assert.Contains("graph output 'Y'", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesInputWithoutAType()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Input[0].Type = null;
        Refusal.ExpectLoad(ErrorCodes.ValueTypeMissing, Write(_dir, model));
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesGraphInputDeclaredTwiceAtLoad()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Input.Add(model.Graph.Input[0].Clone());
        var e = Refusal.ExpectLoad(ErrorCodes.DuplicateDefinition, Write(_dir, model));
        Assert.Contains("graph input 'X' is defined twice", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsInitializersListedAsInputs()
    {
        var model = InitializersAsInputs();
        ModelLoader.Load(Write(_dir, model)).Dispose();
        AssertOrtRuns(model);
    }

    [Fact]
    public void RefusesInitializerOfAnotherTypeThanItsInputDeclaration()
    {
        var model = InitializersAsInputs();
        model.Graph.Input.Single(i => i.Name == "B").Type.TensorType.ElemType = ElementType.Double;
        var e = Refusal.ExpectLoad(ErrorCodes.TypeMismatch, Write(_dir, model));
        Assert.Contains("initializer 'B' is float but the graph input of that name is declared double", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void RefusesInitializerOfAnotherShapeThanItsInputDeclaration()
    {
        var model = InitializersAsInputs();
        model.Graph.Input.Single(i => i.Name == "B").Type.TensorType.Shape.Dim[0].DimValue = 8;
        var e = Refusal.ExpectLoad(ErrorCodes.DeclaredShapeMismatch, Write(_dir, model));
        Assert.Contains("'B' has dims [16]", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsSymbolicDimensionInTheInputDeclarationOfAnInitializer()
    {
        var model = InitializersAsInputs();
        var dim = model.Graph.Input.Single(i => i.Name == "B").Type.TensorType.Shape.Dim[0];
        dim.DimParam = "channels";
        ModelLoader.Load(Write(_dir, model)).Dispose();
    }
}
