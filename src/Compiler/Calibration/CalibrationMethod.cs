using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Calibration;

/// <summary>How a tensor's symmetric range amax is chosen from what calibration saw of it.</summary>
public enum CalibrationMethod
{
    /// <summary>amax = max |x|: nothing clipped, the coarsest step.</summary>
    MinMax,

    /// <summary>amax = the given percentile of |x| (99.99 by default), from a 2048-bin histogram.</summary>
    Percentile,

    /// <summary>TensorRT's KL-divergence calibration (IInt8EntropyCalibrator2): see <see cref="EntropyThreshold"/>.</summary>
    Entropy,
}

/// <summary>The command-line names of <see cref="CalibrationMethod"/>: minmax, percentile, entropy.</summary>
public static class CalibrationMethodNames
{
    public static IReadOnlyList<string> All { get; } = ["minmax", "percentile", "entropy"];

    public static string Name(CalibrationMethod method) => method switch
    {
        CalibrationMethod.MinMax => "minmax",
        CalibrationMethod.Percentile => "percentile",
        _ => "entropy",
    };

    public static CalibrationMethod Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "minmax" => CalibrationMethod.MinMax,
        "percentile" => CalibrationMethod.Percentile,
        "entropy" => CalibrationMethod.Entropy,
        _ => throw new CodesignException(ErrorCodes.CalibrationMethodUnknown,
            $"--calibration-method '{text}' is not one of {string.Join(", ", All)}"),
    };
}
