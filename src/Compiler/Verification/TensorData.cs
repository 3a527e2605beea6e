using System.Buffers.Binary;
using System.Globalization;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// A dense tensor on the host: ONNX element type, shape and little-endian bytes in C order. Kept as bytes
/// so every element type (fp16 and bool included) travels between files, generators and ONNX Runtime
/// without a typed array per type; <see cref="ToDoubles"/> reads any numeric type for comparison.
/// </summary>
public sealed class TensorData
{
    public TensorData(int elemType, long[] shape, byte[] bytes)
    {
        var size = ElementType.SizeOf(elemType);
        if (size == 0 || !IsNumeric(elemType)) throw new ArgumentException($"element type {ElementType.Name(elemType)} is not supported", nameof(elemType));
        var count = ElementCountOf(shape);
        if (count * size != bytes.Length) throw new ArgumentException($"{bytes.Length} bytes do not hold {count} elements of {ElementType.Name(elemType)}", nameof(bytes));
        ElemType = elemType;
        Shape = shape;
        Bytes = bytes;
    }

    public int ElemType { get; }

    public long[] Shape { get; }

    public byte[] Bytes { get; }

    public long ElementCount => ElementCountOf(Shape);

    public string ShapeText => "[" + string.Join(",", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    public override string ToString() => $"{ElementType.Name(ElemType)}{ShapeText}";

    public static TensorData FromFloats(float[] values, params long[] shape)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return new TensorData(ElementType.Float, shape, bytes);
    }

    /// <summary>Element types this class can hold and read: every fixed-size numeric ONNX type and bool.</summary>
    public static bool IsNumeric(int elemType) => ElementType.IsInteger(elemType) || ElementType.IsFloat(elemType);

    public static long ElementCountOf(IEnumerable<long> shape) => shape.Aggregate(1L, (a, d) => checked(a * d));

    /// <summary>The values as doubles (exact for every type but int64/uint64 beyond 2^53).</summary>
    public double[] ToDoubles()
    {
        var size = ElementType.SizeOf(ElemType);
        var n = Bytes.Length / size;
        var result = new double[n];
        var span = Bytes.AsSpan();
        for (var i = 0; i < n; i++)
        {
            var s = span.Slice(i * size, size);
            result[i] = ElemType switch
            {
                ElementType.Float => BinaryPrimitives.ReadSingleLittleEndian(s),
                ElementType.Double => BinaryPrimitives.ReadDoubleLittleEndian(s),
                ElementType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(s),
                ElementType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(s) << 16),
                ElementType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(s),
                ElementType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(s),
                ElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(s),
                ElementType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(s),
                ElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(s),
                ElementType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(s),
                ElementType.Int8 => (sbyte)s[0],
                ElementType.UInt8 => s[0],
                ElementType.Bool => s[0] != 0 ? 1 : 0,
                _ => throw new NotSupportedException(ElementType.Name(ElemType)),
            };
        }
        return result;
    }

    /// <summary>
    /// The same values as another element type of the same kind (float to float, integer to integer), for
    /// data files saved wider than the model's input (NumPy defaults to float64 and int64). Returns null
    /// when the kinds differ or an integer does not fit.
    /// </summary>
    public TensorData? ConvertTo(int elemType)
    {
        if (elemType == ElemType) return this;
        if (!IsNumeric(elemType)) return null;
        var sameKind = (ElementType.IsFloat(ElemType) && ElementType.IsFloat(elemType))
                       || (ElementType.IsInteger(ElemType) && ElementType.IsInteger(elemType));
        if (!sameKind) return null;
        var values = ToDoubles();
        var size = ElementType.SizeOf(elemType);
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            if (!TryWrite(elemType, values[i], bytes.AsSpan(i * size, size))) return null;
        }
        return new TensorData(elemType, Shape, bytes);
    }

    /// <summary>Writes one value as the element type; false when an integer value does not fit.</summary>
    public static bool TryWrite(int elemType, double v, Span<byte> dst)
    {
        static bool Fits(double v, double lo, double hi) => v >= lo && v <= hi && v == Math.Floor(v);
        switch (elemType)
        {
            case ElementType.Float: BinaryPrimitives.WriteSingleLittleEndian(dst, (float)v); return true;
            case ElementType.Double: BinaryPrimitives.WriteDoubleLittleEndian(dst, v); return true;
            case ElementType.Float16: BinaryPrimitives.WriteHalfLittleEndian(dst, (Half)v); return true;
            case ElementType.BFloat16:
                // Round to nearest even on the upper 16 bits of the float.
                var bits = BitConverter.SingleToInt32Bits((float)v);
                var rounded = (uint)bits + 0x7FFFu + (((uint)bits >> 16) & 1u);
                BinaryPrimitives.WriteUInt16LittleEndian(dst, (ushort)(rounded >> 16));
                return true;
            case ElementType.Int64 when Fits(v, long.MinValue, long.MaxValue): BinaryPrimitives.WriteInt64LittleEndian(dst, (long)v); return true;
            case ElementType.UInt64 when Fits(v, 0, ulong.MaxValue): BinaryPrimitives.WriteUInt64LittleEndian(dst, (ulong)v); return true;
            case ElementType.Int32 when Fits(v, int.MinValue, int.MaxValue): BinaryPrimitives.WriteInt32LittleEndian(dst, (int)v); return true;
            case ElementType.UInt32 when Fits(v, 0, uint.MaxValue): BinaryPrimitives.WriteUInt32LittleEndian(dst, (uint)v); return true;
            case ElementType.Int16 when Fits(v, short.MinValue, short.MaxValue): BinaryPrimitives.WriteInt16LittleEndian(dst, (short)v); return true;
            case ElementType.UInt16 when Fits(v, 0, ushort.MaxValue): BinaryPrimitives.WriteUInt16LittleEndian(dst, (ushort)v); return true;
            case ElementType.Int8 when Fits(v, sbyte.MinValue, sbyte.MaxValue): dst[0] = (byte)(sbyte)v; return true;
            case ElementType.UInt8 when Fits(v, 0, byte.MaxValue): dst[0] = (byte)v; return true;
            case ElementType.Bool when v is 0 or 1: dst[0] = (byte)v; return true;
            default: return false;
        }
    }
}
