using Onnx;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Quantization;
using static OnnxCoDesign.Passes.IR.NodeAttributes;

namespace OnnxCoDesign.Tests.Evaluation;

public sealed class EvaluatorTests
{
    /// <summary>logits = x·Wᵀ + b over 3 features and 4 classes, batch <paramref name="batch"/> (a string for symbolic).</summary>
    private static ModelProto Linear(float[] weight, object batch, float[]? bias = null)
    {
        var b = new OnnxModelBuilder("linear");
        b.Input("x", ElementType.Float, batch, 3L);
        b.Initializer("w", weight, 4, 3).Initializer("b", bias ?? new float[4], 4);
        var y = b.NamedNode("fc", "Gemm", ["x", "w", "b"], ["logits"], Int("transB", 1))[0];
        return b.Output(y).Build();
    }

    private static readonly float[] Identityish = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]; // class 3 always scores 0

    private static MemoryDataSet Data(IReadOnlyList<int>? labels)
    {
        // Sample i has its largest feature at i % 3: the model's top-1 is class i % 3.
        var samples = Enumerable.Range(0, 7).Select(i => new float[] { i % 3 == 0 ? 2 : -1, i % 3 == 1 ? 2 : -1, i % 3 == 2 ? 2 : -1 }).ToList();
        return new MemoryDataSet("x", [3], samples, "seven.npy", labels);
    }

    [Fact]
    public void TopOneAndTopFiveAreCountedAgainstTheLabelsOverEveryBatch()
    {
        using var model = new OrtModel(Linear(Identityish, "N"));
        // Labels: right for samples 0..4, class 3 (ranked last of 4, so still top-5) for 5 and 6.
        var scores = Evaluator.Run([EvaluatedModel.Of("m", model)], Data([0, 1, 2, 0, 1, 3, 3]), batchSize: 3);
        var s = Assert.Single(scores);
        Assert.Equal(7, s.Samples);
        Assert.Equal(5, s.Top1Correct);
        Assert.Equal(7, s.Top5Correct);
        Assert.Equal(500.0 / 7, s.Top1!.Value, 12);
        Assert.Equal("logits", s.ScoredOutput);
        Assert.Null(s.Deviations);
    }

    [Fact]
    public void EveryModelIsScoredInOnePassAndComparedWithTheFirst()
    {
        using var reference = new OrtModel(Linear(Identityish, "N"));
        using var shifted = new OrtModel(Linear(Identityish, "N", [0.5f, 0, 0, 0]));
        var data = Data([0, 1, 2, 0, 1, 2, 0]);
        var scores = Evaluator.Run([EvaluatedModel.Of("reference", reference), EvaluatedModel.Of("shifted", shifted)], data, batchSize: 4);
        Assert.Equal(1, data.Enumerations);
        Assert.Equal(7, scores[1].Top1Correct); // a bias of 0.5 on class 0 moves no argmax (margins are 3)
        var d = Assert.Single(scores[1].Deviations!);
        // Each sample's logits are three of {2, −1, −1} and a 0; the shift adds 0.5 to one logit of 4 per sample.
        double reference2 = 7 * (4 + 1 + 1);
        Assert.Equal(Math.Sqrt(7 * 0.25 / reference2), d.RelativeL2, 12);
        Assert.Equal(0.5, d.MaxAbs, 6);
    }

    [Fact]
    public void APaddedLastBatchCountsOnlyTheDataSetsOwnRows()
    {
        // A model fixed at batch 4 over 7 samples: the data set pads the last batch to 4 rows.
        using var model = new OrtModel(Linear(Identityish, 4L));
        var padded = new PaddingDataSet(Data([0, 1, 2, 0, 1, 2, 0]), 4);
        var s = Assert.Single(Evaluator.Run([EvaluatedModel.Of("m", model)], padded, Evaluator.BatchFor(InputSignature.Of(Linear(Identityish, 4L)))));
        Assert.Equal(7, s.Samples);
        Assert.Equal(7, s.Top1Correct);
    }

    [Fact]
    public void ALabelThatIsNoClassOfTheModelIsRefusedNamingTheSample()
    {
        using var model = new OrtModel(Linear(Identityish, "N"));
        var e = Assert.Throws<CodesignException>(() => Evaluator.Run([EvaluatedModel.Of("m", model)], Data([0, 1, 2, 0, 9, 0, 0]), 3));
        Assert.Equal(ErrorCodes.EvaluationLabelOutOfRange, e.Code);
        Assert.Contains("label 9 of sample 4", e.Message);
        Assert.Contains("seven.npy", e.Message);
    }

    [Fact]
    public void LabelsForAModelWithoutAClassifierOutputAreRefused()
    {
        var flat = new OnnxModelBuilder("vector");
        flat.Input("x", ElementType.Float, "N", 3L);
        flat.Output(flat.NamedNode("sum", "ReduceSum", ["x"], ["y"], Int("keepdims", 0))[0]);
        using var model = new OrtModel(flat.Build());
        var e = Assert.Throws<CodesignException>(() => Evaluator.Run([EvaluatedModel.Of("m", model)], Data([0, 1, 2, 0, 1, 2, 0]), 3));
        Assert.Equal(ErrorCodes.EvaluationNotClassifier, e.Code);
    }

    [Fact]
    public void TheBatchIsTheModelsFixedLeadingDimensionElseThePreferredOne()
    {
        Assert.Equal(1, Evaluator.BatchFor(InputSignature.Of(Linear(Identityish, 1L))));
        Assert.Equal(32, Evaluator.BatchFor(InputSignature.Of(Linear(Identityish, "N"))));
        Assert.Equal(8, Evaluator.BatchFor(InputSignature.Of(Linear(Identityish, "N")), 8));
    }

    /// <summary>Pads each batch to a fixed size by repeating its last sample, as the data sets do for a fixed model batch.</summary>
    private sealed class PaddingDataSet(MemoryDataSet inner, int size) : Compiler.Data.IDataSet
    {
        public string Path => inner.Path;

        public long Count => inner.Count;

        public bool HasLabels => inner.HasLabels;

        public IEnumerable<Compiler.Data.DataBatch> Batches(int batchSize)
        {
            foreach (var batch in inner.Batches(size))
            {
                var x = batch.Inputs["x"];
                var values = x.ToDoubles().Select(v => (float)v).ToList();
                while (values.Count < size * 3) values.AddRange(values.GetRange(values.Count - 3, 3));
                yield return batch with { Inputs = new Dictionary<string, TensorData> { ["x"] = TensorData.FromFloats([.. values], size, 3) } };
            }
        }

        public void Dispose() => inner.Dispose();
    }
}
