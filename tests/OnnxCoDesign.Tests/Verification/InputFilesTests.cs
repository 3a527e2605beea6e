using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Verification;

/// <summary>TensorProto .pb files and how --data files are matched to inputs.</summary>
public sealed class InputFilesTests : IDisposable
{
    private static readonly IReadOnlyList<InputSignature> Single = [new("x", ElementType.Float, [1, 4])];
    private static readonly IReadOnlyList<InputSignature> Pair = [new("a", ElementType.Float, [1, 3]), new("b", ElementType.Float, [1, 3])];
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_raw_and_typed_field_tensor_protos()
    {
        var raw = TensorFactory.Float("x", [1f, -2f, 3f, 4.5f], 1, 4);
        var (name, t) = TensorProtoReader.Parse(raw.ToByteArray(), "x.pb");
        Assert.Equal("x", name);
        Assert.Equal([1L, 4L], t.Shape);
        Assert.Equal([1.0, -2, 3, 4.5], t.ToDoubles());

        var typed = new TensorProto { Name = "i", DataType = ElementType.Int64, Dims = { 3 }, Int64Data = { 5, -6, 7 } };
        var (_, i) = TensorProtoReader.Parse(typed.ToByteArray());
        Assert.Equal(ElementType.Int64, i.ElemType);
        Assert.Equal([5.0, -6, 7], i.ToDoubles());
    }

    [Fact]
    public void Refuses_bad_tensor_protos()
    {
        var short_ = new TensorProto { Name = "x", DataType = ElementType.Float, Dims = { 4 }, FloatData = { 1, 2 } };
        Assert.Equal(ErrorCodes.DataTruncated, Assert.Throws<CodesignException>(() => TensorProtoReader.Parse(short_.ToByteArray())).Code);

        var bytes = TensorFactory.Float("x", new float[16], 16).ToByteArray();
        Assert.Equal(ErrorCodes.DataTruncated, Assert.Throws<CodesignException>(() => TensorProtoReader.Parse(bytes[..^5])).Code);

        var strings = new TensorProto { Name = "s", DataType = ElementType.String, Dims = { 1 }, StringData = { ByteString.CopyFromUtf8("a") } };
        Assert.Equal(ErrorCodes.DataUnsupportedType, Assert.Throws<CodesignException>(() => TensorProtoReader.Parse(strings.ToByteArray())).Code);

        Assert.Equal(ErrorCodes.DataMalformed, Assert.Throws<CodesignException>(() => TensorProtoReader.Parse("plain text, not a tensor"u8.ToArray())).Code);
    }

    [Fact]
    public void Npy_file_named_after_its_input_or_the_only_input()
    {
        var named = Write("x.npy", NpyBytes.Float32([1f, 2f, 3f, 4f], 1, 4));
        var other = Write("picture.npy", NpyBytes.Float32([5f, 6f, 7f, 8f], 1, 4));
        var samples = InputFiles.Load([named, other], Single);
        Assert.Equal(2, samples.Count); // two files for one input: two samples
        Assert.Equal([5.0, 6, 7, 8], samples[1]["x"].ToDoubles());
    }

    [Fact]
    public void Two_inputs_need_a_file_each_matched_by_name()
    {
        var a = Write("a.npy", NpyBytes.Float32([1f, 2f, 3f], 1, 3));
        var b = Write("b.pb", TensorFactory.Float("b", [4f, 5f, 6f], 1, 3).ToByteArray());
        var sample = Assert.Single(InputFiles.Load([b, a], Pair));
        Assert.Equal([4.0, 5, 6], sample["b"].ToDoubles());

        var e = Assert.Throws<CodesignException>(() => InputFiles.Load([a], Pair));
        Assert.Equal(ErrorCodes.DataInputUnmatched, e.Code);
        Assert.Contains("no data for input 'b'", e.Message);

        var stray = Write("c.npy", NpyBytes.Float32([1f, 2f, 3f], 1, 3));
        Assert.Equal(ErrorCodes.DataInputUnmatched, Assert.Throws<CodesignException>(() => InputFiles.Load([a, b, stray], Pair)).Code);
    }

    [Fact]
    public void Float64_data_is_narrowed_but_shape_and_kind_must_fit()
    {
        var f8 = new byte[32];
        for (var i = 0; i < 4; i++) System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(f8.AsSpan(i * 8), i + 0.25);
        var sample = Assert.Single(InputFiles.Load([Write("x.npy", NpyBytes.Write("<f8", [1, 4], f8))], Single));
        Assert.Equal(ElementType.Float, sample["x"].ElemType);
        Assert.Equal([0.25, 1.25, 2.25, 3.25], sample["x"].ToDoubles());

        var wrongShape = Write("y.npy", NpyBytes.Float32(new float[6], 2, 3));
        var e = Assert.Throws<CodesignException>(() => InputFiles.Load([wrongShape], Single));
        Assert.Equal(ErrorCodes.DataShapeMismatch, e.Code);
        Assert.Contains("does not fit input 'x' [1,4]", e.Message);

        var ints = Write("z.npy", NpyBytes.Write("<i8", [1, 4], new byte[32]));
        Assert.Equal(ErrorCodes.DataShapeMismatch, Assert.Throws<CodesignException>(() => InputFiles.Load([ints], Single)).Code);
    }

    [Fact]
    public void Onnx_test_data_layout_gives_one_sample_per_set()
    {
        var root = Path.Combine(_dir.Path, "cases");
        for (var s = 0; s < 2; s++)
        {
            var set = Directory.CreateDirectory(Path.Combine(root, $"test_data_set_{s}")).FullName;
            // Unnamed tensors: the file's position places them.
            File.WriteAllBytes(Path.Combine(set, "input_0.pb"), TensorFactory.Float("", [s, 0f, 0f], 1, 3).ToByteArray());
            File.WriteAllBytes(Path.Combine(set, "input_1.pb"), TensorFactory.Float("", [0f, s, 0f], 1, 3).ToByteArray());
            File.WriteAllBytes(Path.Combine(set, "output_0.pb"), TensorFactory.Float("", [9f], 1).ToByteArray());
        }
        var samples = InputFiles.Load([root], Pair);
        Assert.Equal(2, samples.Count);
        Assert.Equal([0.0, 1, 0], samples[1]["b"].ToDoubles());

        var single = InputFiles.Load([Path.Combine(root, "test_data_set_1")], Pair);
        Assert.Equal([1.0, 0, 0], Assert.Single(single)["a"].ToDoubles());

        var empty = Directory.CreateDirectory(_dir.File("empty")).FullName;
        Assert.Equal(ErrorCodes.DataInputUnmatched, Assert.Throws<CodesignException>(() => InputFiles.Load([empty], Pair)).Code);
    }

    [Fact]
    public void Missing_data_file_is_a_coded_error()
    {
        var e = Assert.Throws<CodesignException>(() => InputFiles.Load([_dir.File("nope.npy")], Single));
        Assert.Equal(ErrorCodes.DataFileNotFound, e.Code);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
