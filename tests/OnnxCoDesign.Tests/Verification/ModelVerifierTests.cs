using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Tests.Verification;

public sealed class ModelVerifierTests
{
    [Fact]
    public void RepVgg_train_form_and_its_fusion_agree_within_1e5()
    {
        var report = ModelVerifier.Compare(VerifyModels.RepVggA0Train, VerifyModels.RepVggA0Deploy, new VerifyOptions { Inputs = 2, Tolerance = 1e-5 });

        Assert.True(report.Passed);
        Assert.Equal(2, report.Samples);
        var output = Assert.Single(report.Outputs);
        Assert.Null(output.Problem);
        Assert.Equal([1L, 1000L], output.ReferenceShape);
        Assert.InRange(output.MaxRelativeError, 0, 1e-5);
        Assert.InRange(output.RelativeL2, 0, 1e-5);
        Assert.True(output.MaxAbsError > 0, "fusion changes rounding, so some difference is expected");
    }

    [Fact]
    public void Different_weights_fail()
    {
        var a = LoadedModel.InMemory(SampleModels.RepVggGrouped(seed: 1));
        var b = LoadedModel.InMemory(SampleModels.RepVggGroupedDeploy(seed: 2));
        var report = ModelVerifier.Compare(a, b, new VerifyOptions { Inputs = 2 });
        Assert.False(report.Passed);
        Assert.True(report.Outputs[0].MaxRelativeError > 1e-2);
    }

    [Fact]
    public void Output_shape_mismatch_fails_with_a_reason()
    {
        var report = ModelVerifier.Compare(LoadedModel.InMemory(VerifyModels.Relu()), LoadedModel.InMemory(VerifyModels.ReluReshaped()), new VerifyOptions { Inputs = 1 });
        Assert.False(report.Passed);
        var o = Assert.Single(report.Outputs);
        Assert.False(o.ShapesMatch);
        Assert.Contains("shape [2,2] differs from the original's [1,4]", o.Problem);
        Assert.False(o.Passes(double.PositiveInfinity));
    }

    [Fact]
    public void Missing_output_fails_and_extra_output_is_listed()
    {
        var report = ModelVerifier.Compare(LoadedModel.InMemory(VerifyModels.Relu()), LoadedModel.InMemory(VerifyModels.ReluRenamed()), new VerifyOptions { Inputs = 1 });
        Assert.False(report.Passed);
        Assert.Contains("no output", report.Outputs[0].Problem);
        Assert.Equal(["z"], report.ExtraOutputs);
    }

    [Fact]
    public void Same_seed_gives_the_same_report_and_another_seed_other_inputs()
    {
        var a = LoadedModel.InMemory(SampleModels.RepVggGrouped());
        var b = LoadedModel.InMemory(SampleModels.RepVggGroupedDeploy());
        var first = ModelVerifier.Compare(a, b, new VerifyOptions { Inputs = 2, Seed = 7 });
        var second = ModelVerifier.Compare(a, b, new VerifyOptions { Inputs = 2, Seed = 7 });
        var other = ModelVerifier.Compare(a, b, new VerifyOptions { Inputs = 2, Seed = 8 });
        Assert.Equal(first.Outputs[0].MaxAbsError, second.Outputs[0].MaxAbsError);
        Assert.Equal(first.Outputs[0].MaxRelativeError, second.Outputs[0].MaxRelativeError);
        Assert.Equal(first.Outputs[0].RelativeL2, second.Outputs[0].RelativeL2);
        Assert.NotEqual(first.Outputs[0].MaxAbsError, other.Outputs[0].MaxAbsError);
    }

    [Fact]
    public void Generated_inputs_are_deterministic_in_range_and_prefix_stable()
    {
        var inputs = new List<(string, TensorInfo)> { ("x", new TensorInfo(ElementType.Float, [2, 3, 4])), ("i", new TensorInfo(ElementType.Int64, [5])) };
        var four = InputGenerator.Generate(inputs, 4, seed: 3);
        var again = InputGenerator.Generate(inputs, 4, seed: 3);
        var two = InputGenerator.Generate(inputs, 2, seed: 3);
        var other = InputGenerator.Generate(inputs, 1, seed: 4);
        for (var k = 0; k < 4; k++) Assert.Equal(four[k]["x"].Bytes, again[k]["x"].Bytes);
        Assert.Equal(four[1]["x"].Bytes, two[1]["x"].Bytes);
        Assert.NotEqual(four[0]["x"].Bytes, other[0]["x"].Bytes);
        Assert.NotEqual(four[0]["x"].Bytes, four[1]["x"].Bytes);
        Assert.All(four.SelectMany(s => s["x"].ToDoubles()), v => Assert.InRange(v, -1, 1 - 1e-9));
        Assert.All(four.SelectMany(s => s["i"].ToDoubles()), v => Assert.InRange(v, 0, InputGenerator.SmallIntegerLimit - 1));
        Assert.Equal([2L, 3L, 4L], four[0]["x"].Shape);
    }

    [Theory]
    [InlineData(ElementType.Float16)]
    [InlineData(ElementType.Double)]
    [InlineData(ElementType.Int32)]
    [InlineData(ElementType.UInt8)]
    [InlineData(ElementType.Bool)]
    public void Generates_every_supported_input_type(int type)
    {
        var sample = InputGenerator.Generate([("x", new TensorInfo(type, [64]))], 1, seed: 0)[0]["x"];
        Assert.Equal(type, sample.ElemType);
        Assert.Equal(64 * ElementType.SizeOf(type), sample.Bytes.Length);
        var values = sample.ToDoubles();
        Assert.True(values.Distinct().Count() > 1);
        if (ElementType.IsFloat(type)) Assert.All(values, v => Assert.InRange(v, -1, 1 - 1e-9));
        else Assert.All(values, v => Assert.True(v >= 0 && v == Math.Floor(v)));
    }

    [Fact]
    public void Shape_bindings_set_the_generated_shape()
    {
        var model = LoadedModel.InMemory(SampleModels.ResNet50(batchSymbol: "N"));
        var (inputs, warnings) = InputGenerator.ResolveInputs(model, new ShapeBindings().Add("N", 3));
        Assert.Equal([3L, 3L, 224L, 224L], inputs[0].Type.Dims!);
        Assert.Empty(warnings);
        var (defaulted, warned) = InputGenerator.ResolveInputs(model, ShapeBindings.Empty);
        Assert.Equal(1L, defaulted[0].Type.Dims![0]);
        Assert.Equal(WarningCodes.SymbolicDimensionDefaulted, Assert.Single(warned).Code);
    }

    [Fact]
    public void Rewritten_model_with_other_inputs_is_refused()
    {
        var e = Assert.Throws<CodesignException>(() =>
            ModelVerifier.Compare(LoadedModel.InMemory(VerifyModels.Relu()), LoadedModel.InMemory(VerifyModels.TwoInputs()), new VerifyOptions { Inputs = 1 }));
        Assert.Equal(ErrorCodes.VerifyInputsDiffer, e.Code);
    }

    [Fact]
    public void Given_samples_are_used_as_they_are()
    {
        var x = TensorData.FromFloats([-1f, 2f, -3f, 4f], 1, 4);
        var samples = new[] { (IReadOnlyDictionary<string, TensorData>)new Dictionary<string, TensorData> { ["x"] = x } };
        var report = ModelVerifier.Compare(LoadedModel.InMemory(VerifyModels.Relu()), LoadedModel.InMemory(VerifyModels.Relu()), new VerifyOptions { Samples = samples });
        Assert.True(report.Passed);
        Assert.Equal(0, report.Outputs[0].MaxAbsError);
        Assert.Equal(1, report.Samples);
    }

    [Fact]
    public void Initializers_listed_as_inputs_are_not_fed()
    {
        var b = new OnnxModelBuilder { InitializersAsInputs = true }.Input("x", ElementType.Float, 1, 4).Initializer("w", [1f, 2f, 3f, 4f], 1, 4);
        b.NamedNode("add", "Add", ["x", "w"], ["y"]);
        b.Output("y", ElementType.Float, 1, 4);
        var model = LoadedModel.InMemory(b.Build());
        Assert.Equal(2, model.Model.Graph.Input.Count);

        var report = ModelVerifier.Compare(model, model, new VerifyOptions { Inputs = 1 });

        Assert.True(report.Passed);
    }
}
