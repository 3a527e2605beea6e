using Google.Protobuf;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Building;

public class SampleModelTests
{
    public static TheoryData<string> SampleNames => new(SampleModels.Names);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Sample_runs_in_onnxruntime_with_the_expected_output_shapes(string name)
    {
        var model = SampleModels.ByName(name);
        var outputs = OrtRunner.Run(model);

        long[][] expected = name == "detector"
            ? [[1, 255, 40, 40], [1, 255, 20, 20], [1, 255, 10, 10]]
            : [[1, 1000]];
        Assert.Equal(expected, outputs.Select(o => o.Shape).ToArray());
        foreach (var o in outputs) OrtRunner.AssertFiniteAndAlive(o);
        Assert.Equal(OnnxVersions.ProducerName, model.ProducerName);
        Assert.Equal(7, model.IrVersion);
        Assert.Equal(13, Assert.Single(model.OpsetImport).Version);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Building_twice_gives_identical_bytes(string name)
    {
        Assert.True(SampleModels.ByName(name).ToByteArray().AsSpan().SequenceEqual(SampleModels.ByName(name).ToByteArray()));
    }

    [Fact]
    public void Graph_outputs_carry_float_type_and_shape()
    {
        var output = Assert.Single(SampleModels.RepVggA0().Graph.Output);
        Assert.Equal(1, output.Type.TensorType.ElemType);
        Assert.Equal([1L, 1000L], output.Type.TensorType.Shape.Dim.Select(d => d.DimValue));
    }

    [Fact]
    public void Seed_changes_the_weights_but_not_the_structure()
    {
        var a = SampleModels.RepVggGrouped(seed: 1);
        var b = SampleModels.RepVggGrouped(seed: 2);
        Assert.Equal(a.Graph.Node.Select(n => n.OpType), b.Graph.Node.Select(n => n.OpType));
        Assert.NotEqual(a.Graph.Initializer[0].RawData, b.Graph.Initializer[0].RawData);
    }

    [Fact]
    public void Unknown_sample_name_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => SampleModels.ByName("vgg16"));
        Assert.Contains("repvgg-a0", e.Message);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(17)]
    public void Detector_upsampling_form_follows_the_opset(int opset)
    {
        var model = SampleModels.Detector(opset: opset);
        var ops = model.Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Contains(opset == 9 ? "Upsample" : "Resize", ops);
        var resize = model.Graph.Node.First(n => n.OpType is "Resize" or "Upsample");
        Assert.Equal(opset switch { <= 10 => 2, _ => 3 }, resize.Input.Count);
        if (opset >= 13) Assert.Equal("", resize.Input[1]);

        var outputs = OrtRunner.Run(model);
        Assert.Equal([40L, 20, 10], outputs.Select(o => o.Shape[2]));
        foreach (var o in outputs) OrtRunner.AssertFiniteAndAlive(o);
    }
}
