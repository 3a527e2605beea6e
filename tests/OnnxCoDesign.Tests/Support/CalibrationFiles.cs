using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Verification;

namespace OnnxCoDesign.Tests.Support;

/// <summary>Calibration data for the built-in samples: seeded standard-normal inputs as an N×… float32 .npy.</summary>
public static class CalibrationFiles
{
    /// <summary>Writes <paramref name="count"/> samples for the sample's (single) input into the folder; returns the file's path.</summary>
    public static string ForSample(ScratchDirectory dir, string sample, int count = 4, int seed = 7) =>
        dir.Write($"{sample}-calibration.npy", Bytes(sample, count, seed));

    /// <summary>The .npy file's bytes: <paramref name="count"/> samples for the sample's (single) input.</summary>
    public static byte[] Bytes(string sample, int count = 4, int seed = 7)
    {
        var input = Assert.Single(InputSignature.Of(SampleModels.ByName(sample)));
        var dims = input.Dims!.Skip(1).Select(d => d ?? 1).ToArray();
        var shape = dims.Prepend((long)count).ToArray();
        var n = checked((int)shape.Aggregate(1L, (a, d) => a * d));
        var random = new Random(seed);
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            // Box–Muller: images normalized by mean/std look roughly like this.
            var u = 1 - random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        return NpyBytes.Float32(values, shape);
    }
}
