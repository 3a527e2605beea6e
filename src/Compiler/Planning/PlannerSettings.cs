using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Passes.Preprocessing;

namespace OnnxCoDesign.Compiler.Planning;

public enum AccuracyModel { Prior, Measured }

/// <summary>What compile optimizes for, with the seed's setup as defaults (Nano → Xavier NX, 100 Mbps, fp16).</summary>
public sealed record PlannerSettings
{
    public required IReadOnlyList<DeviceProfile> Devices { get; init; }

    public LinkProfile Link { get; init; } = LinkProfile.Default;

    /// <summary>--results: the index of the device where the outputs are consumed; null for the last (the default).</summary>
    public int? ResultsDevice { get; init; }

    public Precision Precision { get; init; } = Precision.Fp16;

    public Objective Objective { get; init; } = Objective.Latency;

    /// <summary>λ in L = T + λ·A, in seconds per unit of accuracy cost.</summary>
    public double Lambda { get; init; }

    public AccuracyModel Accuracy { get; init; } = AccuracyModel.Prior;

    public CostModelKind CostModel { get; init; } = CostModelKind.Roofline;

    /// <summary>What the roofline times: kernels (default) or nodes; unused by the paper's model.</summary>
    public CostGranularity Granularity { get; init; } = CostGranularity.Kernel;

    /// <summary>--cost-model as plan.json and the report name it: kernel, node or paper.</summary>
    public string CostModelName => CostModel == CostModelKind.Paper ? "paper" : Granularity.ToString().ToLowerInvariant();

    /// <summary>
    /// --max-accuracy-drop: choose the fastest plan on the front whose accuracy cost, measured whole, is within
    /// this budget (in the measured metric's units), instead of minimizing T + λA.
    /// </summary>
    public double? MaxAccuracyDrop { get; init; }

    /// <summary>
    /// --input-format uint8: the normalization prepend-normalization gave the model before planning (its input is
    /// the camera's uint8 frame); null for the model's own float32 input.
    /// </summary>
    public InputNormalization? CameraInput { get; init; }

    /// <summary>"uint8" with <see cref="CameraInput"/>, else "float32": plan.json's inputFormat.</summary>
    public string InputFormat => CameraInput is null ? "float32" : "uint8";

    /// <summary>
    /// --wire: the one format every link carries its convertible tensors in; null (auto, the default) lets the
    /// optimizer choose per link among the formats both of its devices support (int8 only with calibration data).
    /// </summary>
    public WireFormat? Wire { get; init; }

    /// <summary>"auto" or the format's name: plan.json's wire setting.</summary>
    public string WireSetting => Wire?.Name() ?? "auto";

    /// <summary>The seed's prior: one unit per branch fused away (S1 fuses two, S2 and S3 one, S4 none).</summary>
    public static double[] PriorAccuracyCost => [2, 1, 1, 0];
}
