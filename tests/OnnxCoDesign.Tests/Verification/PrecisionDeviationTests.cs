using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Tests.Verification;

public sealed class PrecisionDeviationTests
{
    [Fact]
    public void RepVgg_fused_weights_deviate_little_in_fp16_and_more_in_int8()
    {
        var train = VerifyModels.RepVggA0Train;
        var deploy = VerifyModels.RepVggA0Deploy;
        var inputs = InputGenerator.Generate(InputGenerator.ResolveInputs(train, new()).Inputs, 2, seed: 0);
        List<IReadOnlyDictionary<string, TensorData>> reference;
        IReadOnlyList<string> names;
        using (var model = new OrtModel(train))
        {
            names = model.OutputNames;
            reference = inputs.Select(model.Run).ToList();
        }

        var fp16 = PrecisionDeviation.Measure(names, reference, deploy, TargetPrecision.Fp16, inputs);
        var int8 = PrecisionDeviation.Measure(names, reference, deploy, TargetPrecision.Int8, inputs);

        var h = Assert.Single(fp16.Outputs);
        var q = Assert.Single(int8.Outputs);
        Assert.Equal(TargetPrecision.Fp16, fp16.Precision);
        Assert.InRange(h.Deviation.RelativeL2, 1e-7, 1e-2);
        Assert.True(q.Deviation.RelativeL2 > h.Deviation.RelativeL2, $"int8 {q.Deviation.RelativeL2} should deviate more than fp16 {h.Deviation.RelativeL2}");
        // The point of measuring: fused kernels have wider ranges per channel, so int8 hurts them more
        // than the same network's unfused weights (about 0.12 against 0.008 relative L2 for this sample).
        var unfused = Assert.Single(PrecisionDeviation.Measure(names, reference, train, TargetPrecision.Int8, inputs).Outputs);
        Assert.True(unfused.Deviation.RelativeL2 < q.Deviation.RelativeL2);
        foreach (var o in new[] { h, q })
        {
            Assert.NotNull(o.Top1Agreement); // [1, 1000] is a classifier output
            Assert.InRange(o.Top1Agreement!.Value, 0, 1);
            Assert.Equal(2, o.Top1Rows);
        }
    }

    [Fact]
    public void Measure_runs_the_original_itself()
    {
        var a = OnnxCoDesign.Passes.Loading.LoadedModel.InMemory(VerifyModels.Relu());
        var inputs = InputGenerator.Generate(InputGenerator.ResolveInputs(a, new()).Inputs, 3, seed: 1);
        var report = PrecisionDeviation.Measure(a, a, TargetPrecision.Fp16, inputs);
        var o = Assert.Single(report.Outputs);
        Assert.Equal(0, o.Deviation.MaxAbsError); // no weights to round
        Assert.Equal(1.0, o.Top1Agreement);       // [1, 4] counts as a classifier
        Assert.Equal(3, o.Top1Rows);
    }

    [Fact]
    public void Top1_counts_rows_over_samples()
    {
        var r = new[] { TensorData.FromFloats([0f, 1f, 5f, 0f], 2, 2) };
        var c = new[] { TensorData.FromFloats([0f, 2f, 0f, 5f], 2, 2) };
        Assert.Equal((2, 1), PrecisionDeviation.Top1(r, c));
        Assert.True(PrecisionDeviation.IsClassifier([4, 10]));
        Assert.False(PrecisionDeviation.IsClassifier([1, 1]));
        Assert.False(PrecisionDeviation.IsClassifier([1, 3, 8, 8]));
    }
}
