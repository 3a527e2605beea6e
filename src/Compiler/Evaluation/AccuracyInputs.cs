using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// The data a compile measures accuracy with. <see cref="Scoring"/> is what plans are scored on: the validation
/// data with labels (top-1), else the calibration data (output deviation); <see cref="Sensitivity"/> is its first
/// samples, on which each unit is measured alone. <see cref="Lowering"/> quantizes with the calibration data.
/// </summary>
public sealed record AccuracyInputs(IDataSet? Scoring, IDataSet? Sensitivity, PrecisionLowering Lowering) : IDisposable
{
    /// <summary>Samples the sensitivity table is measured on unless --sensitivity-samples says otherwise.</summary>
    public const int DefaultSensitivitySamples = 1000;

    /// <summary>
    /// Opens what the options name for a model: the calibration set for the lowering; the scoring set (validation
    /// with labels, else calibration) whole and limited to <paramref name="sensitivitySamples"/>. Null when no data
    /// option was given.
    /// </summary>
    public static AccuracyInputs? Open(AccuracyOptions options, LoadedModel model, int sensitivitySamples)
    {
        if (options.Calibration is null && options.Validation is null) return null;
        var inputs = InputSignature.Of(model.Model, model.Path);
        var lowering = new PrecisionLowering(options.CalibrationSet(inputs), options.Settings);
        try
        {
            if (options.Validation is not null) return new AccuracyInputs(options.ValidationSet(inputs), options.ValidationSet(inputs, sensitivitySamples), lowering);
            return new AccuracyInputs(options.CalibrationSet(inputs), options.CalibrationSet(inputs, sensitivitySamples), lowering);
        }
        catch
        {
            lowering.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Sensitivity?.Dispose();
        Scoring?.Dispose();
        Lowering.Dispose();
    }
}
