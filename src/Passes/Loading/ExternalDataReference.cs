using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// The parsed <c>external_data</c> entries of one tensor. Only the keys the ONNX spec defines are
/// accepted: an unknown key is refused rather than ignored (onnx's own loader was bitten by this).
/// </summary>
public sealed record ExternalDataReference(string Location, long Offset, long? Length, string? Checksum)
{
    public static bool IsExternal(TensorProto tensor) =>
        tensor.DataLocation == TensorProto.Types.DataLocation.External;

    public static ExternalDataReference Parse(TensorProto tensor, string? file)
    {
        string? location = null, checksum = null;
        long offset = 0;
        long? length = null;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = ParseNumber(tensor, entry, file); break;
                case "length": length = ParseNumber(tensor, entry, file); break;
                case "checksum": checksum = entry.Value; break;
                default:
                    throw new CodesignException(ErrorCodes.ExternalDataUnknownKey,
                        $"tensor '{tensor.Name}' has external-data key '{entry.Key}'; only location, offset, length and checksum are allowed", file);
            }
        }
        if (string.IsNullOrEmpty(location))
        {
            throw new CodesignException(ErrorCodes.ExternalDataMalformed, $"tensor '{tensor.Name}' is stored externally but names no location", file);
        }
        if (location.Contains('\0'))
        {
            throw new CodesignException(ErrorCodes.ExternalDataMalformed, $"tensor '{tensor.Name}' names an external-data location with a NUL character", file);
        }
        if (offset < 0 || length < 0)
        {
            throw new CodesignException(ErrorCodes.ExternalDataRange,
                $"tensor '{tensor.Name}' has a negative external-data {(offset < 0 ? "offset" : "length")}", file);
        }
        return new ExternalDataReference(location, offset, length, checksum);
    }

    private static long ParseNumber(TensorProto tensor, StringStringEntryProto entry, string? file)
    {
        // As ONNX Runtime reads them (std::from_chars): decimal digits with an optional '-', no '+', no spaces.
        if (!entry.Value.StartsWith('+')
            && long.TryParse(entry.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v)) return v;
        throw new CodesignException(ErrorCodes.ExternalDataMalformed,
            $"tensor '{tensor.Name}' has external-data {entry.Key} '{entry.Value}', which is not an integer", file);
    }
}
