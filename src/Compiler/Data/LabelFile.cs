using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// Reads --labels whole (N ints is small): a 1-D .npy of integers (int64, int32, int16, int8 or unsigned) or
/// an IDX1 file (uint8, plain or gzip'd, as MNIST ships its labels). Every id must be a whole number from 0 to
/// int.MaxValue; floats are refused (OCD1524) rather than truncated, negatives are OCD1525.
/// </summary>
internal static class LabelFile
{
    public static int[] Read(string path)
    {
        var gzip = DataStreams.IsGzip(path);
        var start = DataStreams.Peek(path, gzip, 6);
        if (start.Length >= 6 && start[0] == 0x93 && start.AsSpan(1, 5).SequenceEqual("NUMPY"u8)) return FromNpy(path, gzip);
        if (IdxHeader.Sniff(start)) return FromIdx(path, gzip);
        throw new CodesignException(ErrorCodes.DataSetUnreadable, "the labels file is neither .npy nor IDX (no \\x93NUMPY or 00 00 08 magic)", path);
    }

    private static int[] FromNpy(string path, bool gzip)
    {
        using var stream = DataStreams.Open(path, gzip, out var length);
        var header = DataStreams.Guard(path, () => NpyReader.ReadHeader(stream, length, path));
        if (!ElementType.IsInteger(header.ElemType) || header.ElemType == ElementType.Bool)
        {
            throw new CodesignException(ErrorCodes.LabelsNotIntegers, $"labels of dtype {ElementType.Name(header.ElemType)} are not class ids; save them as an integer array (int64)", path);
        }
        if (header.Shape.Length != 1)
        {
            throw new CodesignException(ErrorCodes.LabelsNotIntegers, $"labels of shape [{string.Join(",", header.Shape)}] are not a 1-D array of class ids", path);
        }
        var bytes = new byte[checked((int)header.DataBytes)];
        DataStreams.ReadExactly(stream, bytes, path, 0, header.Shape[0]);
        return Checked(new TensorData(header.ElemType, header.Shape, bytes).ToDoubles(), path);
    }

    private static int[] FromIdx(string path, bool gzip)
    {
        using var stream = DataStreams.Open(path, gzip, out var length);
        IdxHeader header;
        try
        {
            header = IdxHeader.Read(stream, length, path);
        }
        catch (CodesignException e) when (e.Code == ErrorCodes.DataSetTypeUnsupported)
        {
            throw new CodesignException(ErrorCodes.LabelsNotIntegers, e.Message, path);
        }
        if (header.Shape.Length != 1)
        {
            throw new CodesignException(ErrorCodes.LabelsNotIntegers, $"an IDX labels file has one dim (idx1); this one has shape [{string.Join(",", header.Shape)}]", path);
        }
        var bytes = new byte[checked((int)header.Shape[0])];
        DataStreams.ReadExactly(stream, bytes, path, 0, header.Shape[0]);
        return bytes.Select(b => (int)b).ToArray();
    }

    private static int[] Checked(double[] values, string path)
    {
        var labels = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v < 0) throw new CodesignException(ErrorCodes.LabelsNegative, $"label {i} is {v}; class ids start at 0", path);
            if (v > int.MaxValue) throw new CodesignException(ErrorCodes.LabelsNotIntegers, $"label {i} is {v}, beyond any class id", path);
            labels[i] = (int)v;
        }
        return labels;
    }
}
