using OnnxCoDesign.Compiler.Verification;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// Consecutive samples First..First+Count-1. Inputs are keyed by model input name, each tensor with the batch
/// as dim 0 (float32 for float inputs). Dim 0 is Count, except where the model fixes a batch larger than the
/// samples left: the last batch is then padded to the fixed size by repeating its last sample, and only the
/// first Count rows of each output belong to the data set. Labels: one class id per sample (Count of them),
/// or null when the data set has none.
/// </summary>
public sealed record DataBatch(long First, int Count, IReadOnlyDictionary<string, TensorData> Inputs, IReadOnlyList<int>? Labels);
