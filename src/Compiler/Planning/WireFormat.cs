namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// How a float32 tensor crossing a cut travels on the link: as it is (fp32), cast to fp16, or quantized to
/// symmetric per-tensor int8 (scale from calibration, zero point 0, as TensorRT's QuantizeLinear requires).
/// The sending part ends with the conversion and the receiving part begins with the inverse. Tensors that
/// are not float32 node outputs (the model's inputs, int64 shape tensors, a uint8 camera frame) always travel
/// as they are.
/// </summary>
public enum WireFormat { Fp32, Fp16, Int8 }

public static class WireFormats
{
    /// <summary>Every format, widest first: the order the tie-break prefers at the very end (exactness before size).</summary>
    public static readonly IReadOnlyList<WireFormat> All = [WireFormat.Fp32, WireFormat.Fp16, WireFormat.Int8];

    public static string Name(this WireFormat w) => w switch
    {
        WireFormat.Fp16 => "fp16",
        WireFormat.Int8 => "int8",
        _ => "fp32",
    };

    public static bool TryParse(string text, out WireFormat wire)
    {
        foreach (var w in All)
        {
            if (string.Equals(w.Name(), text, StringComparison.OrdinalIgnoreCase)) { wire = w; return true; }
        }
        wire = WireFormat.Fp32;
        return false;
    }

    /// <summary>Bytes one element takes on the wire.</summary>
    public static int ElementBytes(this WireFormat w) => w switch
    {
        WireFormat.Fp16 => 2,
        WireFormat.Int8 => 1,
        _ => 4,
    };

    /// <summary>The device precision a format needs at both ends: the conversion runs inside the parts (TensorRT builds it only where the device has that path).</summary>
    public static Precision NeededPrecision(this WireFormat w) => w switch
    {
        WireFormat.Fp16 => Precision.Fp16,
        WireFormat.Int8 => Precision.Int8,
        _ => Precision.Fp32,
    };

    /// <summary>Whether the format loses information (everything but fp32).</summary>
    public static bool Lossy(this WireFormat w) => w != WireFormat.Fp32;
}
