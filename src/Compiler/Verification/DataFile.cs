using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// Reads a data file whole through <see cref="GuardedFile"/>: opened once without blocking, a regular file
/// (a FIFO is OCD1510 at once, not a hang; /dev/zero OCD1510, not an out-of-memory), within a size bound
/// (OCD1511); a missing or unreadable file is OCD1501.
/// </summary>
internal static class DataFile
{
    /// <summary>Data files are inputs for one run; a larger one is a mistake (and would not fit a byte array).</summary>
    public const long MaxBytes = int.MaxValue;

    /// <summary>Room for an .npy header or a TensorProto's name, dims and type around the values.</summary>
    public const long HeaderAllowance = 64 << 10;

    /// <summary>The most bytes one value can take in a data file: an int64 as a protobuf varint.</summary>
    public const long MaxBytesPerElement = 10;

    public static byte[] ReadAll(string path, long maxBytes = MaxBytes) =>
        GuardedFile.ReadAllBytes(path, InputFileKind.DataFile.WithMaxBytes(Math.Min(maxBytes, MaxBytes)));

    /// <summary>
    /// The largest data file that can feed one of these inputs: its elements at the widest encoding plus a
    /// header. Without fixed shapes for all of them, the byte-array limit.
    /// </summary>
    public static long BoundFor(IReadOnlyList<InputSignature> inputs)
    {
        var bound = 0L;
        foreach (var input in inputs)
        {
            if (input.Dims is null || input.Dims.Any(d => d is null)) return MaxBytes;
            var elements = 1L;
            foreach (var d in input.Dims)
            {
                // Past the byte-array limit either way: the file cannot be read whole, so no tighter bound helps.
                if (d!.Value != 0 && elements > MaxBytes / d.Value) return MaxBytes;
                elements *= d.Value;
            }
            bound = Math.Max(bound, elements > (MaxBytes - HeaderAllowance) / MaxBytesPerElement ? MaxBytes : elements * MaxBytesPerElement + HeaderAllowance);
        }
        return bound == 0 ? MaxBytes : bound;
    }
}
