using System.Text;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>
/// What the compiler wrote into an output folder: <c>.codesign-manifest</c>, plain UTF-8, one entry per line
/// (MSBuild's ReadLinesFromFile reads it as is). It is the compiler's claim on the folder: only the entries it lists
/// are ever replaced or deleted, and a folder without one was not written by the compiler. An entry is a file name
/// (<c>plan.json</c>), a file in a folder the compiler made (<c>triton/jetson-tx2/part0/config.pbtxt</c>, '/'
/// between names) or such a folder itself, written with a trailing '/' (<c>triton/</c>); a nested entry's folder is
/// listed before it, so no entry reaches into a folder the compiler did not make.
/// </summary>
public sealed record OutputManifest(IReadOnlyList<string> Names)
{
    public const string FileName = ".codesign-manifest";

    /// <summary>A manifest is a short list of names; anything larger was not written by the compiler.</summary>
    private const int MaxBytes = 1 << 20;

    public static OutputManifest Empty { get; } = new([]);

    /// <summary>The deepest a nested entry may be (triton/DEVICE/MODEL/1/model.onnx.data is five names).</summary>
    public const int MaxDepth = 8;

    public bool Lists(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="entry"/> names a folder (it ends with '/').</summary>
    public static bool IsFolder(string entry) => entry.EndsWith('/');

    /// <summary>The folder entry holding <paramref name="entry"/> (<c>a/b/c</c> → <c>a/b/</c>); null at the top.</summary>
    public static string? Parent(string entry)
    {
        var trimmed = entry.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? null : trimmed[..(slash + 1)];
    }

    /// <summary>How many names deep an entry is (plan.json: 1, triton/: 1, triton/a/b: 3).</summary>
    public static int Depth(string entry) => entry.TrimEnd('/').Count(c => c == '/') + 1;

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
            if (!IsEntry(name)) throw Malformed(folder, $"it lists '{name}', which is not a file or folder name inside the folder");
            if (Parent(name) is { } parent && !seen.Contains(parent)) throw Malformed(folder, $"it lists '{name}' before its folder '{parent}'");
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

    /// <summary>
    /// An entry the compiler may list: plain names joined by '/', at most <see cref="MaxDepth"/> deep, a trailing '/'
    /// for a folder. No '.', '..', empty name or absolute path, so no entry points outside the output folder.
    /// </summary>
    public static bool IsEntry(string entry)
    {
        if (entry.Length is 0 or > 1024) return false;
        var names = (IsFolder(entry) ? entry[..^1] : entry).Split('/');
        return names.Length <= MaxDepth && names.All(IsPlainName);
    }

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
