namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// An ONNX Runtime error message fit for one line of a coded error: ORT can report a whole graph in one
/// message (200 KB was seen), with line breaks. The first <see cref="MaxLength"/> characters are kept.
/// </summary>
public static class RuntimeMessage
{
    public const int MaxLength = 300;

    public static string Of(Exception e) => Shorten(e.Message);

    public static string Shorten(string message)
    {
        var line = string.Join(' ', message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= MaxLength ? line : line[..MaxLength] + "…";
    }
}
