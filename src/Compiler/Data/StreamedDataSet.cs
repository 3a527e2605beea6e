using OnnxCoDesign.Compiler.Verification;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// The one <see cref="IDataSet"/>: batches a source's samples, at most a batch in memory at a time. Where the
/// model fixes dim 0 the batch is that size and a short last batch is padded by repeating its last sample
/// (<see cref="DataBatch.Count"/> says how many rows are real).
/// </summary>
internal sealed class StreamedDataSet(string path, ISampleSource source, long count, int[]? labels) : IDataSet
{
    public string Path { get; } = path;

    public long Count { get; } = count;

    public bool HasLabels => labels is not null;

    /// <summary>The labels, whole (N ints): for callers that check or count classes.</summary>
    internal int[]? Labels => labels;

    internal IReadOnlyList<InputLayout> Layouts => source.Layouts;

    public IEnumerable<DataBatch> Batches(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var fixedBatch = source.Layouts.Select(l => l.FixedBatch).FirstOrDefault(b => b is not null);
        return Enumerate(fixedBatch ?? batchSize, fixedBatch);
    }

    public void Dispose() => source.Dispose();

    private IEnumerable<DataBatch> Enumerate(int size, int? fixedBatch)
    {
        var layouts = source.Layouts;
        using var reader = source.OpenRows();
        for (long first = 0; first < Count; first += size)
        {
            var n = (int)Math.Min(size, Count - first);
            var rows = fixedBatch ?? n;
            var buffers = layouts.Select(l => new byte[checked(rows * l.RowBytes)]).ToArray();
            for (var r = 0; r < n; r++) reader.ReadInto(buffers, r);
            for (var k = 0; k < layouts.Count; k++)
            {
                var rowBytes = layouts[k].RowBytes;
                for (var r = n; r < rows; r++) Array.Copy(buffers[k], (n - 1) * rowBytes, buffers[k], r * rowBytes, rowBytes);
            }
            var inputs = new Dictionary<string, TensorData>(StringComparer.Ordinal);
            for (var k = 0; k < layouts.Count; k++)
            {
                inputs[layouts[k].Name] = new TensorData(layouts[k].ElemType, [rows, .. layouts[k].SampleShape], buffers[k]);
            }
            yield return new DataBatch(first, n, inputs, labels?[(int)first..((int)first + n)]);
        }
    }
}
