using System.Buffers.Binary;
using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>Reads a TensorProto's values, whichever field or file holds them.</summary>
public static class TensorValues
{
    /// <summary>
    /// The product of the dimensions. A product too large for a long saturates at <see cref="long.MaxValue"/>
    /// rather than wrapping (2^32 · 2^32 would wrap to 0 and pass for an empty tensor).
    /// </summary>
    public static long ElementCount(TensorProto tensor)
    {
        long n = 1;
        foreach (var d in tensor.Dims)
        {
            if (d == 0) return 0;
            n = MultiplySaturated(n, d);
        }
        return n;
    }

    /// <summary>
    /// The tensor's size in bytes, or null for types without a fixed size (strings). 4-bit types pack two
    /// elements per byte; a size too large for a long saturates at <see cref="long.MaxValue"/>.
    /// </summary>
    public static long? ByteCount(TensorProto tensor)
    {
        var size = ElementType.SizeOf(tensor.DataType);
        if (size == 0) return null;
        var count = ElementCount(tensor);
        if (IsPackedFourBit(tensor.DataType)) return count < 0 || count == long.MaxValue ? count : (count + 1) / 2;
        return MultiplySaturated(count, size);
    }

    /// <summary>uint4, int4 and float4e2m1 (ONNX types 21, 22, 23).</summary>
    private static bool IsPackedFourBit(int type) => type is 21 or 22 or 23;

    private static long MultiplySaturated(long a, long b)
    {
        try { return checked(a * b); }
        catch (OverflowException) { return (a < 0) == (b < 0) ? long.MaxValue : long.MinValue; }
    }

    /// <summary>Little-endian bytes of the values, from raw_data, the external file or the typed fields.</summary>
    public static ReadOnlyMemory<byte> Bytes(TensorProto tensor, ExternalDataStore? store = null)
    {
        if (ExternalDataReference.IsExternal(tensor)) return (store ?? ExternalDataStore.None).Read(tensor);
        if (!tensor.RawData.IsEmpty || ElementCount(tensor) == 0) return tensor.RawData.Memory;
        return FromTypedFields(tensor);
    }

    public static long[] AsInt64(TensorProto tensor, ExternalDataStore? store = null)
    {
        var bytes = Bytes(tensor, store).Span;
        var n = checked((int)ElementCount(tensor));
        var result = new long[n];
        var size = ElementType.SizeOf(tensor.DataType);
        for (var i = 0; i < n; i++)
        {
            var s = bytes.Slice(i * size, size);
            result[i] = tensor.DataType switch
            {
                ElementType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(s),
                ElementType.UInt64 => (long)BinaryPrimitives.ReadUInt64LittleEndian(s),
                ElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(s),
                ElementType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(s),
                ElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(s),
                ElementType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(s),
                ElementType.Int8 => (sbyte)s[0],
                ElementType.UInt8 or ElementType.Bool => s[0],
                _ => checked((long)ReadReal(tensor.DataType, s)),
            };
        }
        return result;
    }

    public static double[] AsDouble(TensorProto tensor, ExternalDataStore? store = null)
    {
        if (ElementType.IsInteger(tensor.DataType)) return AsInt64(tensor, store).Select(v => (double)v).ToArray();
        var bytes = Bytes(tensor, store).Span;
        var n = checked((int)ElementCount(tensor));
        var size = ElementType.SizeOf(tensor.DataType);
        var result = new double[n];
        for (var i = 0; i < n; i++) result[i] = ReadReal(tensor.DataType, bytes.Slice(i * size, size));
        return result;
    }

    /// <summary>
    /// A float32 tensor's values without decoding: a view of its raw bytes (or of the bytes read once from
    /// its file). For weights that are only read on the way to a new tensor, this saves a copy.
    /// </summary>
    public static ReadOnlySpan<float> Float32(TensorProto tensor, ExternalDataStore? store = null)
    {
        if (tensor.DataType != ElementType.Float) throw new ArgumentException($"tensor '{tensor.Name}' is {ElementType.Name(tensor.DataType)}, not float", nameof(tensor));
        if (!ExternalDataReference.IsExternal(tensor) && tensor.RawData.IsEmpty) return tensor.FloatData.ToArray();
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Bytes(tensor, store).Span);
    }

    /// <summary>
    /// Copies a float32 tensor's values into <paramref name="into"/> (exactly its element count): a weight read
    /// from its file or computed lands in the caller's buffer, with no array of its own.
    /// </summary>
    public static void CopyFloat32(TensorProto tensor, ExternalDataStore? store, Span<float> into)
    {
        if (tensor.DataType != ElementType.Float) throw new ArgumentException($"tensor '{tensor.Name}' is {ElementType.Name(tensor.DataType)}, not float", nameof(tensor));
        if (ExternalDataReference.IsExternal(tensor)) (store ?? ExternalDataStore.None).ReadInto(tensor, System.Runtime.InteropServices.MemoryMarshal.AsBytes(into));
        else Float32(tensor, store).CopyTo(into);
    }

    public static float[] AsFloat(TensorProto tensor, ExternalDataStore? store = null)
    {
        if (tensor.DataType == ElementType.Float && !ExternalDataReference.IsExternal(tensor) && tensor.RawData.IsEmpty)
        {
            return tensor.FloatData.ToArray();
        }
        if (tensor.DataType == ElementType.Float) return Float32(tensor, store).ToArray();
        return Array.ConvertAll(AsDouble(tensor, store), v => (float)v);
    }

    private static double ReadReal(int type, ReadOnlySpan<byte> s) => type switch
    {
        ElementType.Float => BinaryPrimitives.ReadSingleLittleEndian(s),
        ElementType.Double => BinaryPrimitives.ReadDoubleLittleEndian(s),
        ElementType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(s),
        ElementType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(s) << 16),
        _ => throw new NotSupportedException($"element type {ElementType.Name(type)} has no numeric reading"),
    };

    private static byte[] FromTypedFields(TensorProto tensor)
    {
        var type = tensor.DataType;
        var size = ElementType.SizeOf(type);
        var n = checked((int)ElementCount(tensor));
        var result = new byte[n * size];
        var span = result.AsSpan();
        for (var i = 0; i < n; i++)
        {
            var dst = span.Slice(i * size, size);
            switch (type)
            {
                case ElementType.Float: BinaryPrimitives.WriteSingleLittleEndian(dst, tensor.FloatData[i]); break;
                case ElementType.Double: BinaryPrimitives.WriteDoubleLittleEndian(dst, tensor.DoubleData[i]); break;
                case ElementType.Int64: BinaryPrimitives.WriteInt64LittleEndian(dst, tensor.Int64Data[i]); break;
                case ElementType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(dst, tensor.Uint64Data[i]); break;
                case ElementType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(dst, (uint)tensor.Uint64Data[i]); break;
                case ElementType.Int32: BinaryPrimitives.WriteInt32LittleEndian(dst, tensor.Int32Data[i]); break;
                // int32_data carries the narrower integer types and the 16-bit float bit patterns.
                case ElementType.Int16 or ElementType.UInt16 or ElementType.Float16 or ElementType.BFloat16:
                    BinaryPrimitives.WriteUInt16LittleEndian(dst, (ushort)tensor.Int32Data[i]); break;
                case ElementType.Int8 or ElementType.UInt8 or ElementType.Bool: dst[0] = (byte)tensor.Int32Data[i]; break;
                default: throw new NotSupportedException($"element type {ElementType.Name(type)} has no numeric reading");
            }
        }
        return result;
    }
}
