using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>
/// The JSON documents the tool reads back, source-generated (<see cref="CodesignJsonWriter"/> writes every
/// document from the same record types), and the one writer settings. Property order is declaration order;
/// names are camelCase; a value a record leaves null is written as null unless its property says otherwise. Strict on read: a field of the wrong kind, a required
/// field missing or null where the record does not allow it is a <see cref="JsonException"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PlanDocument))] // the one document read back (simulate, verify --plan, measure)
public sealed partial class CodesignJson : JsonSerializerContext
{
    /// <summary>
    /// The version every document carries first. It changes when a field is removed, renamed or changes its
    /// meaning or kind; fields added within a version are ignored by readers of that version.
    /// </summary>
    /// Version 2: plan.json's `accuracy` became an object (the accuracy model's name is its `model`); plans of
    /// version 1 are still read.
    public const int SchemaVersion = 2;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Deterministic text: indented by two spaces, LF line ends, one final LF.</summary>
    public static string Write<T>(T document, JsonTypeInfo<T> type)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions)) JsonSerializer.Serialize(writer, document, type);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>A real rounded so goldens do not churn on the last bit; null when it is not finite.</summary>
    public static double? Real(double? value, int digits = 4) =>
        value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;
}
