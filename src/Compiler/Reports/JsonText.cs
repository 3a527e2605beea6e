using System.Text;
using System.Text.Json;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>Deterministic JSON: indented, LF line ends, reals rounded so goldens do not churn on the last bit.</summary>
internal static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static void Real(this Utf8JsonWriter w, string name, double? value, int digits = 4)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, digits));
        else w.WriteNull(name);
    }

    public static void Long(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    public static void Strings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
