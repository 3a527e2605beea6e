using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>Reads a data file whole, turning every way that can fail into OCD1501.</summary>
internal static class DataFile
{
    /// <summary>Data files are inputs for one run; a larger one is a mistake (and would not fit a byte array).</summary>
    public const long MaxBytes = int.MaxValue;

    public static byte[] ReadAll(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0')) throw new CodesignException(ErrorCodes.DataFileNotFound, "no such data file", path);
        if (Directory.Exists(path)) throw new CodesignException(ErrorCodes.DataFileNotFound, "is a directory, not a data file", path);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new CodesignException(ErrorCodes.DataFileNotFound, "no such data file", path);
            if (info.Length > MaxBytes) throw new CodesignException(ErrorCodes.DataMalformed, $"the data file is {info.Length} bytes, more than one input can be", path);
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.DataFileNotFound, $"cannot read the data file: {e.Message}", path);
        }
    }
}
