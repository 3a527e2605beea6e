using System.Text;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// What the compiler wrote into an output folder: <c>.codesign-manifest</c>, plain UTF-8, one file name per line
/// (MSBuild's ReadLinesFromFile reads it as is). It is the compiler's claim on the folder: only the names it lists
/// are ever replaced or deleted, and a folder without one was not written by the compiler.
/// </summary>
public sealed record OutputManifest(IReadOnlyList<string> Names)
{
    public const string FileName = ".codesign-manifest";

    /// <summary>A manifest is a short list of names; anything larger was not written by the compiler.</summary>
    private const int MaxBytes = 1 << 20;

    public static OutputManifest Empty { get; } = new([]);

    public bool Lists(string name) => Names.Contains(name, StringComparer.Ordinal);

    public string Text => string.Concat(Names.Select(n => n + "\n"));

    /// <summary>The manifest of <paramref name="folder"/>; null when it has none. A manifest that is not a regular file or does not parse is refused.</summary>
    public static OutputManifest? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing) return null;
        if (kind != FileKind.Regular)
        {
            throw new CodesignException(ErrorCodes.OutputManifestMalformed, $"the output folder's {FileName} is {FileKinds.Describe(kind)}, not a file the compiler wrote", folder);
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Parse(ReadBounded(stream, folder), folder);
    }

    public static OutputManifest Parse(string text, string folder)
    {
        if (text.Length == 0) return Empty;
        if (!text.EndsWith('\n')) throw Malformed(folder, "its last line is not complete");
        var names = text[..^1].Split('\n');
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!IsPlainName(name)) throw Malformed(folder, $"it lists '{name}', which is not a plain file name");
            if (!seen.Add(name)) throw Malformed(folder, $"it lists '{name}' twice");
        }
        return new OutputManifest(names);
    }

    /// <summary>
    /// A name the compiler may write: one path segment, no '.' or '..', no separators or control characters, none of
    /// its own bookkeeping names. Anything else in a manifest could point a delete outside the folder.
    /// </summary>
    public static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 255
        && name is not "." and not ".."
        && name != FileName
        && !name.Contains('/') && !name.Contains('\\')
        && !name.Any(char.IsControl)
        && !name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal);

    /// <summary>Reads a manifest through a handle (the one a run holds, or a fresh one).</summary>
    public static string ReadBounded(Stream stream, string folder)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBytes) throw Malformed(folder, $"it is larger than {MaxBytes} bytes");
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw Malformed(folder, "it is not UTF-8 text");
        }
    }

    private static CodesignException Malformed(string folder, string why) =>
        new(ErrorCodes.OutputManifestMalformed, $"the output folder's {FileName} was not written by the compiler: {why}", folder);
}
