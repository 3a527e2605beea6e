using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;
using static OnnxCoDesign.Tests.Loading.Checking.CheckedModels;
using static OnnxCoDesign.Tests.Loading.TinyModels;

namespace OnnxCoDesign.Tests.Loading.Checking;

/// <summary>
/// Names that must not repeat (nodes in a graph, attributes in a node) or that the operator does not define,
/// a graph that computes something, value_info element types that agree with what the nodes write, Conv
/// kernels that are W's: each refused where ONNX Runtime refuses it, each paired with the valid variant.
/// </summary>
public sealed class NameAndContentRuleTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RefusesTwoNodesOfOneName()
    {
        var model = ConvRelu();
        model.Graph.Node[1].Name = "conv";
        var e = Refusal.ExpectLoad(ErrorCodes.NodeNameRepeated, Write(_dir, model));
        Assert.Contains("nodes 0 and 1 are both named 'conv'", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsNodesWhoseNamesAreAllEmpty()
    {
        var model = ConvRelu();
        foreach (var n in model.Graph.Node) n.Name = "";
        using var loaded = Passes.Loading.ModelLoader.Load(Write(_dir, model));
        Assert.Equal(2, loaded.Model.Graph.Node.Count(n => n.Name.Length == 0));
        AssertOrtAccepts(model);
    }

    [Theory]
    [InlineData("Conv", "pads")]
    [InlineData("Custom", "alpha")]
    public void RefusesAnAttributeGivenTwice(string op, string attribute)
    {
        var model = ConvRelu();
        var node = model.Graph.Node[0];
        if (op == "Custom")
        {
            // Not an operator the tool knows: the repeat is still refused, before anything asks for its shape.
            node = model.Graph.Node[1];
            node.OpType = "Custom";
            node.Domain = "com.example";
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example", Version = 1 });
            node.Attribute.Add(NodeAttributes.Float(attribute, 1f));
        }
        node.Attribute.Add(node.Attribute.First(a => a.Name == attribute).Clone());
        var e = Refusal.ExpectLoad(ErrorCodes.AttributeRepeated, Write(_dir, model));
        Assert.Contains($"attribute '{attribute}' is given twice", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsOneAttributeNameOnTwoNodes()
    {
        var model = ConvRelu();
        model.Graph.Node.Add(Node("Conv", "conv2", ["Y", "W", "B"], ["Z"], NodeAttributes.Ints("pads", 1, 1, 1, 1)));
        model.Graph.Output[0].Name = "Z";
        using var loaded = Passes.Loading.ModelLoader.Load(Write(_dir, model));
        Assert.Equal(2, loaded.Model.Graph.Node.Count(n => n.Attribute.Any(a => a.Name == "pads")));
        AssertOrtAccepts(model);
    }

    [Fact]
    public void RefusesAGraphWithoutNodes()
    {
        var model = ConvRelu();
        model.Graph.Node.Clear();
        model.Graph.Output[0].Name = "X";
        var e = Refusal.ExpectLoad(ErrorCodes.GraphEmpty, Write(_dir, model));
        Assert.Contains("no nodes", e.Message);
    }

    [Fact]
    public void RefusesAGraphWithoutOutputs()
    {
        var model = ConvRelu();
        model.Graph.Output.Clear();
        var e = Refusal.ExpectLoad(ErrorCodes.GraphEmpty, Write(_dir, model));
        Assert.Contains("no outputs", e.Message);
        // ONNX Runtime creates a session for it (and prunes every node); there is nothing in it to cut or compile.
    }

    [Theory]
    [InlineData(ElementType.Int64, "value_info")]
    [InlineData(ElementType.Double, "output")]
    public void RefusesADeclaredElementTypeTheNodeDoesNotWrite(int declared, string where)
    {
        var model = ConvRelu();
        if (where == "value_info") model.Graph.ValueInfo.Add(OnnxCoDesign.Samples.TensorFactory.ValueInfo("Y0", declared, new object[] { 1L, 16L, 8L, 8L }));
        else model.Graph.Output[0].Type.TensorType.ElemType = declared;
        var run = CliRun.Of("analyze", Write(_dir, model));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error {ErrorCodes.TypeMismatch}:", run.Error);
        Assert.Contains($"as float, but the model declares it {ElementType.Name(declared)}", run.Error);
        Assert.Equal("", run.Out);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsValueInfoThatAgrees()
    {
        var model = ConvRelu();
        model.Graph.ValueInfo.Add(OnnxCoDesign.Samples.TensorFactory.ValueInfo("Y0", ElementType.Float, new object[] { 1L, 16L, 8L, 8L }));
        var run = CliRun.Of("analyze", Write(_dir, model));
        Assert.True(run.ExitCode == 0, run.Error);
        AssertOrtAccepts(model);
    }

    [Theory]
    [InlineData("Conv", "bogus_7")]
    [InlineData("Relu", "alpha")]
    public void RefusesAnAttributeTheOperatorDoesNotDefine(string op, string attribute)
    {
        var model = ConvRelu();
        var node = model.Graph.Node.Single(n => n.OpType == op);
        node.Attribute.Add(NodeAttributes.Int(attribute, 1));
        var e = Refusal.ExpectLoad(ErrorCodes.AttributeUnknown, Write(_dir, model));
        Assert.Contains($"{op} has no attribute '{attribute}'", e.Message);
        AssertOrtRefuses(model);
    }

    [Fact]
    public void AcceptsEveryAttributeConvDefines()
    {
        var model = ConvRelu();
        var conv = model.Graph.Node[0];
        conv.Attribute.Add(NodeAttributes.Ints("strides", 1, 1));
        conv.Attribute.Add(NodeAttributes.Ints("dilations", 1, 1));
        conv.Attribute.Add(NodeAttributes.Int("group", 1));
        conv.Attribute.Add(NodeAttributes.String("auto_pad", "NOTSET"));
        using var loaded = Passes.Loading.ModelLoader.Load(Write(_dir, model));
        Assert.Equal(6, loaded.Model.Graph.Node[0].Attribute.Count);
        AssertOrtAccepts(model);
    }

    [Theory]
    [InlineData(new long[] { -1, 3 }, "must be positive")]
    [InlineData(new long[] { 3, 5 }, "differs from W's spatial dims [3,3]")]
    public void RefusesAConvKernelShapeThatIsNotW(long[] kernel, string message)
    {
        var model = ConvRelu();
        model.Graph.Node[0].Attribute.Single(a => a.Name == "kernel_shape").Ints.Clear();
        model.Graph.Node[0].Attribute.Single(a => a.Name == "kernel_shape").Ints.Add(kernel);
        var run = CliRun.Of("analyze", Write(_dir, model));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error {ErrorCodes.ShapeMismatch}:", run.Error);
        Assert.Contains(message, run.Error);
        AssertOrtFails(model);
    }

    [Fact]
    public void RefusesAGraphInputWithADimensionOfZero()
    {
        var model = ConvRelu();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue = 0;
        var run = CliRun.Of("analyze", Write(_dir, model));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error {ErrorCodes.EmptyInput}: graph input 'X' declares dimension 0 as 0", run.Error);
        Assert.Equal("", run.Out);
    }
}
