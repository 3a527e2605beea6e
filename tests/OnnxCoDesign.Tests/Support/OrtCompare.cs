using Microsoft.ML.OnnxRuntime;
using Onnx;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Tests.Support;

/// <summary>Runs two models in ONNX Runtime on the same seeded inputs and measures how far apart they are.</summary>
public static class OrtCompare
{
    /// <summary>max|a − b| / max|a| over every output (normwise relative error), on <paramref name="samples"/> inputs.</summary>
    public static double RelativeError(ModelProto reference, ModelProto candidate, int samples = 2, int seed = 7, ExternalDataStore? store = null)
    {
        using var a = new InferenceSession(ModelBytes.ToArray(reference, store));
        using var b = new InferenceSession(ModelBytes.ToArray(candidate, store));
        var worst = 0.0;
        for (var s = 0; s < samples; s++)
        {
            var inputs = Inputs(a, seed + s);
            var ya = Run(a, inputs);
            var yb = Run(b, inputs);
            Assert.Equal(ya.Keys.Order(), yb.Keys.Order());
            foreach (var (name, va) in ya)
            {
                var vb = yb[name];
                Assert.Equal(va.Length, vb.Length);
                var scale = Math.Max(va.Max(v => Math.Abs((double)v)), 1e-12);
                var diff = va.Zip(vb, (x, y) => Math.Abs((double)x - y)).Max();
                worst = Math.Max(worst, diff / scale);
            }
        }
        return worst;
    }

    private static Dictionary<string, (float[] Data, long[] Shape)> Inputs(InferenceSession session, int seed)
    {
        var random = new Random(seed);
        return session.InputMetadata.ToDictionary(kv => kv.Key, kv =>
        {
            var shape = kv.Value.Dimensions.Select(d => d <= 0 ? 1L : d).ToArray();
            var data = new float[shape.Aggregate(1L, (x, y) => x * y)];
            for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
            return (data, shape);
        });
    }

    private static Dictionary<string, float[]> Run(InferenceSession session, Dictionary<string, (float[] Data, long[] Shape)> inputs)
    {
        var names = inputs.Keys.ToArray();
        var values = names.Select(n => OrtValue.CreateTensorValueFromMemory(inputs[n].Data, inputs[n].Shape)).ToArray();
        try
        {
            using var options = new RunOptions();
            var outputNames = session.OutputMetadata.Keys.ToArray();
            using var outputs = session.Run(options, names, values, outputNames);
            return outputNames.Select((n, i) => (n, outputs[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.n, p => p.Item2);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
