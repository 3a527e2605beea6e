using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Samples;

/// <summary>Makes initializer tensors (raw little-endian data) and value infos.</summary>
public static class TensorFactory
{
    public static TensorProto Float(string name, ReadOnlySpan<float> data, params long[] dims)
    {
        CheckCount(name, data.Length, dims);
        var bytes = new byte[data.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(data).CopyTo(bytes);
        }
        else
        {
            for (int i = 0; i < data.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
            }
        }
        return Raw(name, ElementType.Float, bytes, dims);
    }

    public static TensorProto Int64(string name, ReadOnlySpan<long> data, params long[] dims)
    {
        CheckCount(name, data.Length, dims);
        var bytes = new byte[data.Length * sizeof(long)];
        for (int i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), data[i]);
        }
        return Raw(name, ElementType.Int64, bytes, dims);
    }

    /// <summary>
    /// Wraps <paramref name="bytes"/> without copying; the caller hands over ownership and must not
    /// write to the array afterwards, since ByteString assumes it never changes.
    /// </summary>
    public static TensorProto Raw(string name, int elemType, byte[] bytes, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = elemType, RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }

    /// <summary>A value info; <paramref name="dims"/> null leaves the shape unknown (not a scalar).
    /// Each dim is a number (long/int) or a symbolic name (string).</summary>
    public static ValueInfoProto ValueInfo(string name, int elemType, IReadOnlyList<object>? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = elemType };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in dims)
            {
                tensor.Shape.Dim.Add(d switch
                {
                    string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                    long v => new TensorShapeProto.Types.Dimension { DimValue = v },
                    int v => new TensorShapeProto.Types.Dimension { DimValue = v },
                    _ => throw new ArgumentException($"dimension '{d}' of '{name}' is neither a number nor a name", nameof(dims)),
                });
            }
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    public static long ElementCount(IEnumerable<long> dims)
    {
        long n = 1;
        foreach (var d in dims) n = checked(n * d);
        return n;
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        if (ElementCount(dims) != count)
        {
            throw new ArgumentException($"initializer '{name}' has {count} values but shape [{string.Join(",", dims)}]");
        }
    }
}
