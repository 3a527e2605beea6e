using Google.Protobuf;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Data;

/// <summary>Folders in onnx's test-data layout: one sample per set, concatenated into batches.</summary>
public sealed class TestDataFolderTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Set(int k, string input, int index, float[] values, params long[] dims) =>
        _dir.Write($"td/test_data_set_{k}/input_{index}.pb", TensorFactory.Float(input, values, dims).ToByteArray());

    [Fact]
    public void Sets_of_one_row_are_concatenated_along_dim_0_for_every_input()
    {
        for (var k = 0; k < 3; k++)
        {
            Set(k, "a", 0, [k, k + 0.5f], 1, 2);
            Set(k, "b", 1, [-k], 1, 1);
        }
        IReadOnlyList<InputSignature> inputs = [new("a", ElementType.Float, [null, 2]), new("b", ElementType.Float, [null, 1])];
        using var data = DataSets.Open(_dir.File("td"), inputs);

        Assert.Equal(3, data.Count);
        var batches = DataFiles.All(data, 2);
        Assert.Equal([2, 1], batches.Select(b => b.Count));
        Assert.Equal([2L, 2], batches[0].Inputs["a"].Shape);
        Assert.Equal([0f, 0.5f, 1f, 1.5f, 2f, 2.5f], DataFiles.Values(batches, "a"));
        Assert.Equal([0f, -1f, -2f], DataFiles.Values(batches, "b"));
        Assert.Equal(DataFiles.Values(batches, "a"), DataFiles.Values(data.Batches(1), "a"));
    }

    [Fact]
    public void A_fixed_batch_of_one_reads_one_set_per_batch()
    {
        for (var k = 0; k < 2; k++) Set(k, "x", 0, [k, k, k], 1, 3);
        using var data = DataSets.Open(_dir.File("td"), [new InputSignature("x", ElementType.Float, [1, 3])]);

        var batches = DataFiles.All(data, 16);
        Assert.Equal([1, 1], batches.Select(b => b.Count));
        Assert.Equal([0f, 0, 0, 1, 1, 1], DataFiles.Values(batches));
    }
}
