using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Loading;
using static OnnxCoDesign.Tests.IR.GraphOf;

namespace OnnxCoDesign.Tests.IR;

public sealed class GraphStructureErrorTests
{
    private const string File = "models/broken.onnx";

    private static CodesignException Verifying(string code, ModelProto model)
    {
        var graph = new ModelGraph(model, File);
        var e = Refusal.Expect(code, () => GraphVerifier.Verify(graph));
        Assert.Equal(File, e.File);
        return e;
    }

    [Fact]
    public void AcceptsAWellFormedModel() => GraphVerifier.Verify(new ModelGraph(TinyModels.ConvRelu()));

    [Fact]
    public void RefusesCycle()
    {
        var model = Model(["X"], ["T1"], Add("a", "X", "T2", "T1"), Relu("b", "T1", "T2"));
        var e = Refusal.Expect(ErrorCodes.Cycle, () => new ModelGraph(model, File));
        Assert.Equal(File, e.File);
        Assert.Matches("node '(a|b)'", e.Message);
    }

    [Fact]
    public void RefusesNodeThatReadsItsOwnOutput()
    {
        var e = Refusal.Expect(ErrorCodes.Cycle, () => new ModelGraph(Model(["X"], ["T"], Add("self", "X", "T", "T"))));
        Assert.Contains("'self'", e.Message);
    }

    [Fact]
    public void CycleMessageNamesANodeOnTheCycleNotOneBelowIt()
    {
        // "after" only waits for the cycle; naming it would send the user to the wrong place.
        var model = Model(["X"], ["Y"], Relu("after", "T2", "Y"), Add("a", "X", "T2", "T1"), Relu("b", "T1", "T2"));
        var e = Refusal.Expect(ErrorCodes.Cycle, () => new ModelGraph(model));
        Assert.DoesNotContain("'after'", e.Message);
        Assert.Contains("node 'a' depends on its own output through 2 node(s): a -> b -> a", e.Message);
    }

    [Fact]
    public void RefusesCycleThroughASubgraphReference()
    {
        // "if" reads T inside its branch; T is computed from the If's own output.
        var model = Model(["X"], ["Y"], IfReading("if", "X", "T", "Y"), Relu("r", "Y", "T"));
        Refusal.Expect(ErrorCodes.Cycle, () => new ModelGraph(model));
    }

    [Fact]
    public void RefusesRefreshThatIntroducesACycle()
    {
        var graph = Build(["X"], ["T2"], Relu("a", "X", "T1"), Relu("b", "T1", "T2"));
        graph.Proto.Node[0].Input[0] = "T2";
        Refusal.Expect(ErrorCodes.Cycle, graph.Refresh);
    }

    [Fact]
    public void RefusesUndefinedInput()
    {
        var e = Verifying(ErrorCodes.UndefinedInput, Model(["X"], ["Y"], Add("add", "X", "ghost", "Y")));
        Assert.Contains("'ghost'", e.Message);
        Assert.Contains("'add'", e.Message);
    }

    [Fact]
    public void RefusesUndefinedOuterReferenceOfASubgraph()
    {
        var e = Verifying(ErrorCodes.UndefinedInput, Model(["X"], ["Y"], IfReading("if", "X", "ghost", "Y")));
        Assert.Contains("'ghost'", e.Message);
    }

    [Fact]
    public void AcceptsOmittedOptionalInput()
    {
        var clip = TinyModels.Node("Clip", "clip", ["X", "", "M"], ["Y"]);
        GraphVerifier.Verify(new ModelGraph(Model(["X", "M"], ["Y"], clip)));
    }

    [Fact]
    public void RefusesDoubleAssignment()
    {
        var e = Verifying(ErrorCodes.DuplicateDefinition, Model(["X"], ["T"], Relu("first", "X", "T"), Relu("second", "X", "T")));
        Assert.Contains("'T'", e.Message);
        Assert.Contains("'second'", e.Message);
    }

    [Fact]
    public void RefusesNodeOutputThatOverwritesAGraphInput()
    {
        var e = Verifying(ErrorCodes.DuplicateDefinition, Model(["X", "Z"], ["Z"], Relu("r", "X", "Z")));
        Assert.Contains("'Z'", e.Message);
    }

    [Fact]
    public void ReportsOverwrittenGraphInputAsDoubleAssignmentNotAsCycle()
    {
        // "read" consumes the input Z; "write" later assigns Z from read's output. Z is the input, not a loop.
        var e = Verifying(ErrorCodes.DuplicateDefinition, Model(["Z"], ["Y"], Relu("read", "Z", "Y"), Relu("write", "Y", "Z")));
        Assert.Contains("'Z'", e.Message);
    }

    [Fact]
    public void RefusesNodeOutputThatOverwritesAnInitializer()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Node[1].Output[0] = "B";
        model.Graph.Output[0].Name = "B";
        var e = Verifying(ErrorCodes.DuplicateDefinition, model);
        Assert.Contains("'B'", e.Message);
    }

    [Fact]
    public void RefusesGraphInputListedTwice()
    {
        var e = Verifying(ErrorCodes.DuplicateDefinition, Model(["X", "X"], ["Y"], Relu("r", "X", "Y")));
        Assert.Contains("'X'", e.Message);
    }

    [Fact]
    public void RefusesInitializerListedTwice()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Initializer.Add(TinyModels.FloatTensor("B", new float[16], 16));
        var e = Verifying(ErrorCodes.DuplicateDefinition, model);
        Assert.Contains("'B'", e.Message);
    }

    [Fact]
    public void RefusesGraphOutputNotProduced()
    {
        var e = Verifying(ErrorCodes.OutputNotProduced, Model(["X"], ["Y", "missing"], Relu("r", "X", "Y")));
        Assert.Contains("'missing'", e.Message);
    }

    [Fact]
    public void AcceptsGraphOutputsThatAreAnInputOrAnInitializer()
    {
        var model = TinyModels.ConvRelu();
        model.Graph.Output.Add(TinyModels.Value("X", TinyModels.InputShape));
        model.Graph.Output.Add(TinyModels.Value("B", 16));
        GraphVerifier.Verify(new ModelGraph(model));
    }

    [Fact]
    public void RefusesModelWithoutGraph()
    {
        var e = Refusal.Expect(ErrorCodes.MissingGraph, () => new ModelGraph(new ModelProto { IrVersion = 8 }, File));
        Assert.Equal(File, e.File);
    }
}
