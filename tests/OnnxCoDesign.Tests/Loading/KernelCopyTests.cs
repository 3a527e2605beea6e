using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Loading;

/// <summary>
/// Weights left in their source file are copied into the saved file by the kernel where they are large
/// (ExternalDataStore.CopyTo, copy_file_range on Linux) and through a buffer where they are small; the two kinds
/// interleave in one file, so what the stream had buffered before a kernel copy, and where it writes after one,
/// must come out in order: the saved files hold exactly the source's bytes.
/// </summary>
public sealed class KernelCopyTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Byte counts around the 64 KiB from which the kernel copies, and one past the 1 MiB buffer.</summary>
    private static readonly int[] Sizes = [ModelLoader.DeferredWeightThreshold + 4, (64 << 10) - 4, 64 << 10, 300_004, 40, (1 << 20) + 12, 70_000];

    [Fact]
    public void An_unchanged_model_with_large_and_small_deferred_weights_is_saved_byte_for_byte()
    {
        var path = _dir.File("model.onnx");
        File.WriteAllBytes(path, Model().ToByteArray());
        using var loaded = ModelLoader.Load(path);
        Assert.Contains(loaded.Model.Graph.Initializer, t => loaded.ExternalData.IsDeferred(t) && t.Dims[0] * 4 >= 64 << 10);

        var copy = _dir.File("copy.onnx");
        ModelSaver.Save(loaded.Model, copy, loaded.ExternalData);

        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(copy));
    }

    [Fact]
    public void Weights_moved_to_an_external_data_file_and_copied_on_to_another_read_back_exactly()
    {
        var original = Model();
        var path = _dir.File("model.onnx");
        File.WriteAllBytes(path, original.ToByteArray());
        using var loaded = ModelLoader.Load(path);
        var moved = _dir.File("moved.onnx");
        ModelSaver.Save(loaded.Model, moved, loaded.ExternalData, forceExternal: true);
        using var external = ModelLoader.Load(moved);
        Assert.Contains(external.Model.Graph.Initializer, ExternalDataReference.IsExternal);
        Directory.CreateDirectory(_dir.File("again"));
        var again = Path.Combine(_dir.File("again"), "model.onnx");

        ModelSaver.Save(external.Model, again, external.ExternalData);

        using var copied = ModelLoader.Load(again);
        Assert.Equal(original.Graph.Initializer.Select(t => t.RawData.ToByteArray()),
            copied.Model.Graph.Initializer.Select(t => t.RawData.IsEmpty ? copied.ExternalData.Read(t) : t.RawData.ToByteArray()));
    }

    /// <summary>X → Identity → Y, with unused float initializers of <see cref="Sizes"/> bytes of seeded noise.</summary>
    private static ModelProto Model()
    {
        var random = new Random(13);
        var graph = new GraphProto { Name = "copies" };
        graph.Input.Add(Value("X"));
        graph.Output.Add(Value("Y"));
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "X" }, Output = { "Y" } });
        for (var i = 0; i < Sizes.Length; i++)
        {
            var bytes = new byte[Sizes[i] / 4 * 4];
            random.NextBytes(bytes);
            graph.Initializer.Add(new TensorProto
            {
                Name = $"w{i}",
                DataType = (int)TensorProto.Types.DataType.Float,
                Dims = { bytes.Length / 4 },
                RawData = ByteString.CopyFrom(bytes),
            });
        }
        return new ModelProto { IrVersion = 8, OpsetImport = { new OperatorSetIdProto { Version = 17 } }, Graph = graph };
    }

    private static ValueInfoProto Value(string name) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 4 } } },
            },
        },
    };
}
