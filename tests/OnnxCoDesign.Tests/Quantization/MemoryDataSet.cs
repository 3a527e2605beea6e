using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;

namespace OnnxCoDesign.Tests.Quantization;

/// <summary>
/// An in-memory <see cref="IDataSet"/> of float32 samples for one input: each sample has <c>sampleShape</c>,
/// a batch stacks them as [count, …sampleShape]; labels, when given, one per sample. It counts enumerations and the largest batch size asked for,
/// so tests can see how a consumer streams.
/// </summary>
internal sealed class MemoryDataSet(string input, long[] sampleShape, IReadOnlyList<float[]> samples, string path = "memory.npy", IReadOnlyList<int>? labels = null) : IDataSet
{
    public string Path { get; } = path;

    public long Count => samples.Count;

    public bool HasLabels => labels is not null;

    public int Enumerations { get; private set; }

    public int LargestBatchAsked { get; private set; }

    public IEnumerable<DataBatch> Batches(int batchSize)
    {
        Enumerations++;
        LargestBatchAsked = Math.Max(LargestBatchAsked, batchSize);
        for (var first = 0; first < samples.Count; first += batchSize)
        {
            var count = Math.Min(batchSize, samples.Count - first);
            var values = samples.Skip(first).Take(count).SelectMany(s => s).ToArray();
            var tensor = TensorData.FromFloats(values, [count, .. sampleShape]);
            yield return new DataBatch(first, count, new Dictionary<string, TensorData> { [input] = tensor }, labels?.Skip(first).Take(count).ToList());
        }
    }

    public void Dispose()
    {
    }

    /// <summary><paramref name="count"/> samples of uniform values in [−1, 1) from a seeded stream.</summary>
    public static MemoryDataSet Uniform(string input, long[] sampleShape, int count, ulong seed = 3)
    {
        var generator = new OnnxCoDesign.Samples.WeightGenerator(seed);
        var size = sampleShape.Aggregate(1L, (a, d) => a * d);
        return new MemoryDataSet(input, sampleShape, Enumerable.Range(0, count).Select(_ => generator.Uniform(size, -1, 1)).ToList());
    }
}
