using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Fuzzing.Mutations;

/// <summary>
/// Weights moved to external data, validly or with locations that escape the model's folder, are absolute,
/// missing, links, folders, or ranges past the file. Every file named lies inside the input's own folder:
/// the model is in "in/", so "../outside.bin" is the case folder's outside.bin, written here too.
/// </summary>
public static class ExternalDataMutations
{
    private const string Class = "external data";

    private const string Outside = "outside.bin";

    /// <summary>Stands for "a weights file of this mutation's own in the model's folder" (two stacked mutations get two files).</summary>
    private const string Weights = "<weights>";

    public static IEnumerable<Mutation> All { get; } =
    [
        new("external-data-valid", Class, c => Externalize(c, Weights)),
        new("external-data-all-weights", Class, c =>
        {
            // Valid: every float initializer of 1 KiB or more in one file at increasing offsets, as onnx's save does
            // (small ones, such as Resize's scales, which shape inference reads, stay inline).
            var file = new List<byte>();
            foreach (var t in c.Graph.Initializer.Where(t => t.DataType == ElementType.Float && t.RawData.Length >= 1024).ToList())
            {
                while (file.Count % 64 != 0) file.Add(0);
                SetExternal(t, "all-weights.bin", file.Count, t.RawData.Length);
                file.AddRange(t.RawData.ToByteArray());
                t.RawData = ByteString.Empty;
            }
            c.Files["in/all-weights.bin"] = [.. file];
        }),
        new("external-data-escapes", Class, c => Externalize(c, c.Random.Pick("../" + Outside, "sub/../../" + Outside, "./../" + Outside))),
        new("external-data-absolute", Class, c => Externalize(c, Path.Combine(c.CaseFolder, Outside))),
        new("external-data-missing", Class, c =>
        {
            if (Externalize(c, Weights) is { } data) c.Files.Remove("in/" + data.File);
        }),
        new("external-data-offset-extreme", Class, c => Externalize(c, Weights, offset: c.Random.ExtremeInt64())),
        new("external-data-length-extreme", Class, c => Externalize(c, Weights, length: c.Random.Pick(long.MaxValue, long.MaxValue - 1, long.MinValue, -1, 0, 1L << 62, 3))),
        new("external-data-offset-plus-length-overflow", Class, c => Externalize(c, Weights, offset: long.MaxValue - 8, length: 64)),
        new("external-data-link-outside", Class, c =>
        {
            // weights.bin is a symbolic link to a file outside the model's folder.
            if (Externalize(c, Weights) is not { } data) return;
            c.Files[Outside] = c.Files["in/" + data.File];
            c.Files.Remove("in/" + data.File);
            c.Links["in/" + data.File] = "../" + Outside;
        }),
        new("external-data-location-folder", Class, c =>
        {
            if (Externalize(c, c.Random.Pick(".", "sub", "sub/", "")) is not null) c.Files["in/sub/placeholder.txt"] = [1];
        }),
        new("external-data-short-file", Class, c =>
        {
            if (Externalize(c, Weights) is not { } data) return;
            var bytes = c.Files["in/" + data.File];
            c.Files["in/" + data.File] = bytes[..(bytes.Length / 2)];
        }),
        new("external-data-unknown-key", Class, c =>
        {
            if (Externalize(c, Weights) is { } data) data.Tensor.ExternalData.Add(new StringStringEntryProto { Key = c.Random.Pick("basepath", "LOCATION", ""), Value = "x" });
        }),
        new("external-data-malformed-number", Class, c =>
        {
            if (Externalize(c, Weights) is not { } data) return;
            data.Tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = c.Random.Pick("", "0x10", "1e3", "99999999999999999999", " 1", "+0") });
        }),
    ];

    private sealed record External(TensorProto Tensor, string File);

    /// <summary>
    /// Moves a Conv weight's bytes to <paramref name="location"/>; the bytes are written to a fresh in/weights*.bin
    /// (or, for a location that leaves the folder, to the case folder's outside.bin).
    /// </summary>
    private static External? Externalize(MutationContext c, string location, long? offset = null, long? length = null)
    {
        var read = c.Graph.Node.Where(n => n.OpType is "Conv" or "Gemm").SelectMany(n => n.Input.Skip(1)).ToHashSet(StringComparer.Ordinal);
        if (c.PickInitializer(t => t.DataType == ElementType.Float && t.RawData.Length > 0 && read.Contains(t.Name)) is not { } t || t.RawData.Length == 0) return null;
        var bytes = t.RawData.ToByteArray();
        var file = FreeName(c);
        if (location == Weights) location = file;
        bool outside = Path.IsPathRooted(location) || location.Contains("..");
        c.Files[outside ? Outside : "in/" + file] = bytes;
        SetExternal(t, location, offset, length ?? (c.Random.Chance(0.5) ? bytes.Length : null));
        t.RawData = ByteString.Empty;
        return new External(t, file);
    }

    private static string FreeName(MutationContext c)
    {
        for (int i = 0; ; i++)
        {
            var name = i == 0 ? "weights.bin" : $"weights_{i}.bin";
            if (!c.Files.ContainsKey("in/" + name) && !c.Links.ContainsKey("in/" + name)) return name;
        }
    }

    private static void SetExternal(TensorProto t, string location, long? offset, long? length)
    {
        t.DataLocation = TensorProto.Types.DataLocation.External;
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is { } o) t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = o.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (length is { } l) t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = l.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}
