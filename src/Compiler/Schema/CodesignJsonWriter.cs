using System.Text.Json.Serialization;

namespace OnnxCoDesign.Compiler.Schema;

/// <summary>
/// The same documents as <see cref="CodesignJson"/>, for writing only: serialization-mode source generation
/// emits one straight-line writer per type, so writing a document builds no per-property metadata (that
/// metadata, built and jitted on first use, cost a whole-process compile about 0.1 s). Reading uses
/// <see cref="CodesignJson"/>, whose metadata checks kinds and required fields.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(PlanDocument))]
[JsonSerializable(typeof(DeviceDocument))]
[JsonSerializable(typeof(CatalogDocument))]
[JsonSerializable(typeof(AnalyzeDocument))]
[JsonSerializable(typeof(FuseDocument))]
[JsonSerializable(typeof(VerifyDocument))]
[JsonSerializable(typeof(EvaluateDocument))]
[JsonSerializable(typeof(SimulationDocument))]
[JsonSerializable(typeof(MeasureSweepDocument))]
[JsonSerializable(typeof(MeasurePlanDocument))]
[JsonSerializable(typeof(SampleListDocument))]
[JsonSerializable(typeof(SampleWrittenDocument))]
public sealed partial class CodesignJsonWriter : JsonSerializerContext;
