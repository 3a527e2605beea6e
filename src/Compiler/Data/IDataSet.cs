using OnnxCoDesign.Compiler.Verification;
namespace OnnxCoDesign.Compiler.Data;
public sealed record DataBatch(long First, int Count, IReadOnlyDictionary<string, TensorData> Inputs, IReadOnlyList<int>? Labels);
public interface IDataSet : IDisposable
{
    string Path { get; }
    long Count { get; }
    bool HasLabels { get; }
    IEnumerable<DataBatch> Batches(int batchSize);
}
