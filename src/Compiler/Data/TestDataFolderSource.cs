using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// A folder in onnx's test-data layout (test_data_set_*/input_K.pb, or input_K.pb directly), read by
/// <see cref="InputFiles"/>: each set holds model-ready tensors for every input, and its rows (dim 0) are
/// samples, so sets of one row are concatenated into batches where the model's batch dim is symbolic. The
/// first set is read when opened; every set must have as many rows as the first. One set is read at a time.
/// </summary>
internal sealed class TestDataFolderSource : ISampleSource
{
    private readonly IReadOnlyList<string> _sets;
    private readonly IReadOnlyList<InputSignature> _inputs;
    private readonly long _rowsPerSet;

    private TestDataFolderSource(IReadOnlyList<string> sets, IReadOnlyList<InputSignature> inputs, IReadOnlyList<InputLayout> layouts, long rowsPerSet)
    {
        _sets = sets;
        _inputs = inputs;
        Layouts = layouts;
        _rowsPerSet = rowsPerSet;
        Count = checked(rowsPerSet * sets.Count);
    }

    public IReadOnlyList<InputLayout> Layouts { get; }

    public long Count { get; }

    public int[]? OwnLabels => null;

    public static TestDataFolderSource Open(string dir, IReadOnlyList<InputSignature> inputs, Preprocess? preprocess)
    {
        if (preprocess is not null)
        {
            throw new CodesignException(ErrorCodes.PreprocessMismatch, "a folder in onnx's test-data layout holds model-ready tensors; --preprocess applies to .npy, IDX and image data", dir);
        }
        var sets = InputFiles.SetFolders(dir);
        var first = InputFiles.LoadSet(sets[0], inputs, DataFile.MaxBytes);
        var rows = RowsOf(first, inputs, sets[0]);
        var layouts = inputs.Select(i => new InputLayout(i, first[i.Name].Shape[1..], first[i.Name].ElemType)).ToList();
        return new TestDataFolderSource(sets, inputs, layouts, rows);
    }

    public IRowReader OpenRows() => new Reader(this);

    public void Dispose()
    {
    }

    private static long RowsOf(IReadOnlyDictionary<string, TensorData> set, IReadOnlyList<InputSignature> inputs, string dir)
    {
        var scalar = inputs.FirstOrDefault(i => set[i.Name].Shape.Length == 0);
        if (scalar is not null)
        {
            throw new CodesignException(ErrorCodes.DataSetShapeMismatch, $"input '{scalar.Name}' is a scalar here; a data set needs a batch dim 0 on every input", dir);
        }
        var rows = inputs.Select(i => set[i.Name].Shape[0]).Distinct().ToList();
        if (rows.Count > 1)
        {
            throw new CodesignException(ErrorCodes.DataSetShapeMismatch,
                $"inputs have different dim 0 ({string.Join(", ", inputs.Select(i => $"{i.Name}: {set[i.Name].Shape[0]}"))}); each row is one sample of every input", dir);
        }
        return rows[0];
    }

    private sealed class Reader(TestDataFolderSource source) : IRowReader
    {
        private int _set = -1;
        private long _row;
        private IReadOnlyDictionary<string, TensorData>? _tensors;

        public void ReadInto(byte[][] buffers, int row)
        {
            if (_tensors is null || _row == source._rowsPerSet) Load(_set + 1);
            for (var k = 0; k < source.Layouts.Count; k++)
            {
                var layout = source.Layouts[k];
                Array.Copy(_tensors![layout.Name].Bytes, _row * layout.RowBytes, buffers[k], (long)row * layout.RowBytes, layout.RowBytes);
            }
            _row++;
        }

        public void Dispose()
        {
        }

        private void Load(int set)
        {
            var dir = source._sets[set];
            var tensors = InputFiles.LoadSet(dir, source._inputs, DataFile.MaxBytes);
            if (RowsOf(tensors, source._inputs, dir) != source._rowsPerSet)
            {
                throw new CodesignException(ErrorCodes.DataSetShapeMismatch,
                    $"this set has {tensors.Values.First().Shape[0]} rows where the first ({source._sets[0]}) has {source._rowsPerSet}; every set needs the same", dir);
            }
            foreach (var layout in source.Layouts)
            {
                var tensor = tensors[layout.Name];
                if (!tensor.Shape[1..].SequenceEqual(layout.SampleShape) || tensor.ElemType != layout.ElemType)
                {
                    throw new CodesignException(ErrorCodes.DataSetShapeMismatch,
                        $"input '{layout.Name}' here has samples {tensor} where the first set has {layout.SampleText}; every set needs the same", dir);
                }
            }
            _tensors = tensors;
            _set = set;
            _row = 0;
        }
    }
}
