namespace OnnxCoDesign.Compiler.Data;

/// <summary>A data set opened for a model's inputs (<see cref="DataSets.Open"/>): streamed, never held whole.</summary>
public interface IDataSet : IDisposable
{
    /// <summary>The path as the user gave it, for messages.</summary>
    string Path { get; }

    /// <summary>The number of samples, known when opened (from the .npy/IDX header or the folder listing), after any limit.</summary>
    long Count { get; }

    bool HasLabels { get; }

    /// <summary>
    /// Streams batches of at most <paramref name="batchSize"/> samples (exactly the input's dim 0 where the
    /// model fixes it, e.g. 1). May be enumerated several times (calibration makes two passes), each time from
    /// the start with the same data; never holds the whole set in memory.
    /// </summary>
    IEnumerable<DataBatch> Batches(int batchSize);
}
