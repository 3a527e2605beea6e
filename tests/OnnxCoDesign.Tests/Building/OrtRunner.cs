using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.Building;

/// <summary>Runs a built model in ONNX Runtime on seeded uniform [-1, 1) inputs.</summary>
internal static class OrtRunner
{
    public sealed record Output(string Name, long[] Shape, float[] Data);

    /// <summary>Symbolic dims are bound to 1; initializers listed as inputs (IR 3 style) are not fed.</summary>
    public static IReadOnlyList<Output> Run(ModelProto model, ulong inputSeed = 42)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        var gen = new WeightGenerator(inputSeed);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in model.Graph.Input.Where(i => !initializers.Contains(i.Name)))
            {
                long[] shape = input.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? 1 : d.DimValue).ToArray();
                var data = gen.Uniform(TensorFactory.ElementCount(shape), -1, 1);
                names.Add(input.Name);
                values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }
            using var session = new InferenceSession(model.ToByteArray());
            var outputNames = model.Graph.Output.Select(o => o.Name).ToArray();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, values, outputNames);
            return outputNames.Select((n, i) => new Output(n,
                results[i].GetTensorTypeAndShape().Shape,
                results[i].GetTensorDataAsSpan<float>().ToArray())).ToList();
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>max|a − b| relative to max|a|: a scale-free tolerance that ignores where values cross zero.</summary>
    public static double RelativeError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)expected[i] - actual[i]));
            maxAbs = Math.Max(maxAbs, Math.Abs((double)expected[i]));
        }
        return maxDiff / Math.Max(maxAbs, 1e-30);
    }

    public static void AssertFiniteAndAlive(Output o)
    {
        Assert.All(o.Data, v => Assert.True(float.IsFinite(v), $"{o.Name} has a non-finite value"));
        // A dead (all-equal) output would make every equivalence check pass trivially.
        Assert.True(o.Data.Max() - o.Data.Min() > 1e-6, $"{o.Name} is constant");
    }
}
