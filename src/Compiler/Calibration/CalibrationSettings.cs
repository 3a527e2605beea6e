using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Calibration;

/// <summary>How <see cref="Calibrator"/> measures ranges.</summary>
/// <param name="Method">How amax is chosen from the statistics.</param>
/// <param name="Percentile">For <see cref="CalibrationMethod.Percentile"/>: the percentile of |x|, in (0, 100].</param>
/// <param name="BatchSize">Samples per ONNX Runtime run where the input's batch dimension is symbolic; a fixed one wins.</param>
/// <param name="MaxSamples">Use at most this many samples of the data set; null for all.</param>
public sealed record CalibrationSettings(
    CalibrationMethod Method = CalibrationMethod.Percentile,
    double Percentile = CalibrationSettings.DefaultPercentile,
    int BatchSize = CalibrationSettings.DefaultBatchSize,
    long? MaxSamples = null)
{
    public const double DefaultPercentile = 99.99;

    public const int DefaultBatchSize = 32;

    public static CalibrationSettings Default { get; } = new();

    /// <summary>Throws OCD1811 naming the setting that is out of range.</summary>
    public void Check()
    {
        if (!(Percentile > 0 && Percentile <= 100)) throw Invalid($"the calibration percentile {Percentile} is outside (0, 100]");
        if (BatchSize < 1) throw Invalid($"the calibration batch size {BatchSize} is below 1");
        if (MaxSamples is < 1) throw Invalid($"the calibration sample limit {MaxSamples} is below 1");
    }

    private static CodesignException Invalid(string message) => new(ErrorCodes.CalibrationSettingInvalid, message);
}
