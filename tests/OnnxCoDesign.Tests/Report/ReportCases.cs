using System.Text.Json;
using OnnxCoDesign.Compiler.Calibration;
using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Quantization;

namespace OnnxCoDesign.Tests.Report;

/// <summary>Compile outcomes for the report tests, and what plan.json says the report must show.</summary>
public static class ReportCases
{
    public static CompileOutcome Compile(string sample, string devices = "jetson-nano,jetson-xavier-nx", string link = "1Gbps",
        Objective objective = Objective.Throughput, double lambda = 0.001, string? displayName = null, CostModelKind costModel = CostModelKind.Roofline,
        Precision precision = Precision.Fp16, int? results = null)
    {
        var settings = new PlannerSettings
        {
            Devices = DeviceCatalog.ResolveList(devices),
            Link = LinkSpec.Parse(link),
            Objective = objective,
            Lambda = lambda,
            CostModel = costModel,
            Precision = precision,
            ResultsDevice = results,
        };
        var (model, _) = ModelSource.Open(null, sample);
        using (model)
        {
            using var data = precision == Precision.Int8 ? Int8Calibration(model) : null;
            return CompilePipeline.Run(model, displayName ?? sample, settings, ShapeBindings.Empty, data);
        }
    }

    /// <summary>int8 parts are QDQ models, calibrated on data: two seeded uniform samples stand in for it here.</summary>
    private static AccuracyInputs Int8Calibration(LoadedModel model)
    {
        var input = Assert.Single(InputSignature.Of(model.Model));
        var calibration = MemoryDataSet.Uniform(input.Name, input.Dims![1..].Select(d => d ?? 1).ToArray(), 2);
        return new AccuracyInputs(null, null, new PrecisionLowering(calibration, CalibrationSettings.Default));
    }

    /// <summary>The counts the charts must match, read from plan.json (not from the report's own code).</summary>
    public sealed record Expected(int Devices, int PartsWithModels, int Sweep, int Pareto, int Blocks);

    public static Expected FromPlan(string planJson)
    {
        using var doc = JsonDocument.Parse(planJson);
        var root = doc.RootElement;
        // plan.json has two "blocks" keys, a count and the list: take the list.
        var blocks = root.EnumerateObject().Last(p => p.Name == "blocks" && p.Value.ValueKind == JsonValueKind.Array).Value;
        return new Expected(
            root.GetProperty("devices").GetArrayLength(),
            root.GetProperty("parts").EnumerateArray().Count(p => p.GetProperty("file").ValueKind == JsonValueKind.String),
            root.GetProperty("sweep").GetArrayLength(),
            root.GetProperty("pareto").GetArrayLength(),
            blocks.GetArrayLength());
    }
}
