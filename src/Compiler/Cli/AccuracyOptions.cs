using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Calibration;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>The data options of compile, fuse, verify and evaluate, registered and parsed in one place.</summary>
public sealed record AccuracyOptionSet(CommandOption Calibration, CommandOption Validation, CommandOption Labels, CommandOption Preprocess,
    CommandOption Method, CommandOption CalibrationSamples);

/// <summary>
/// What the data options asked for: the calibration set (activation ranges for int8), the validation set and its
/// labels (accuracy), how images and uint8 data become the model's input, and how ranges are chosen.
/// </summary>
public sealed record AccuracyOptions(string? Calibration, string? Validation, string? Labels, Preprocess? Preprocess, CalibrationSettings Settings)
{
    public static AccuracyOptionSet Register(CommandLineApplication cmd)
    {
        var (calibration, validation, labels, preprocess) = CliConventions.DataOptionsFor(cmd);
        return new AccuracyOptionSet(calibration, validation, labels, preprocess,
            cmd.Option("--calibration-method <M>", "minmax, percentile (default, 99.99) or entropy (TensorRT's KL divergence)", CommandOptionType.SingleValue),
            cmd.Option("--calibration-samples <N>", "calibrate on the first N samples of --calibration (default: all)", CommandOptionType.SingleValue));
    }

    /// <param name="preprocessAlone">--preprocess is accepted without data (it normalizes the camera input).</param>
    public static AccuracyOptions Parse(CommandLineApplication cmd, AccuracyOptionSet set, bool preprocessAlone = false)
    {
        var data = CliConventions.ParseDataOptions(cmd, set.Calibration, set.Validation, set.Labels, set.Preprocess, preprocessAlone);
        if ((set.Method.HasValue() || set.CalibrationSamples.HasValue()) && data.Calibration is null)
        {
            throw new CommandParsingException(cmd, "--calibration-method and --calibration-samples apply to --calibration DATA, which is missing");
        }
        var method = set.Method.HasValue() ? CalibrationMethodNames.Parse(set.Method.Value()!) : CalibrationSettings.Default.Method;
        int? limit = null;
        if (set.CalibrationSamples.HasValue())
        {
            limit = int.TryParse(set.CalibrationSamples.Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n : throw new CommandParsingException(cmd, $"--calibration-samples '{set.CalibrationSamples.Value()}' is not a whole number of at least 1");
        }
        return new AccuracyOptions(data.Calibration, data.Validation, data.Labels, data.Preprocess, CalibrationSettings.Default with { Method = method, MaxSamples = limit });
    }

    public IDataSet? CalibrationSet(IReadOnlyList<InputSignature> inputs, int? limit = null) =>
        Calibration is null ? null : DataSets.Open(Calibration, inputs, Preprocess, null, Min((int?)Settings.MaxSamples, limit));

    private static int? Min(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    public IDataSet ValidationSet(IReadOnlyList<InputSignature> inputs, int? limit = null) =>
        DataSets.Open(Validation ?? throw new InvalidOperationException("no validation data"), inputs, Preprocess, Labels, limit);
}
