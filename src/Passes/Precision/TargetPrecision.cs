namespace OnnxCoDesign.Passes.Precision;

/// <summary>The arithmetic a deployment target runs a model's weights in (TensorRT's --fp16 / --int8).</summary>
public enum TargetPrecision
{
    Fp32,
    Fp16,
    Int8,
}

public static class TargetPrecisionNames
{
    /// <summary>Parses exactly fp32, fp16 or int8 (case-insensitive): the names the CLI, plans and reports use; null otherwise.</summary>
    public static TargetPrecision? Parse(string text) => text.ToLowerInvariant() switch
    {
        "fp32" => TargetPrecision.Fp32,
        "fp16" => TargetPrecision.Fp16,
        "int8" => TargetPrecision.Int8,
        _ => null,
    };

    public static string Name(this TargetPrecision p) => p switch
    {
        TargetPrecision.Fp16 => "fp16",
        TargetPrecision.Int8 => "int8",
        _ => "fp32",
    };
}
