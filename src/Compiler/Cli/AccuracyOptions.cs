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
    public static AccuracyOptionSet Register(CommandLineApplication cmd) => new(
        cmd.Option("--calibration <DATA>", "calibration data for int8 activation ranges: .npy, IDX (.gz), an onnx test-data folder or a folder of images", CommandOptionType.SingleValue),
        cmd.Option("--validation <DATA>", "validation data to measure accuracy on (same forms as --calibration)", CommandOptionType.SingleValue),
        cmd.Option("--labels <LABELS>", "the validation data's class ids: a 1-D integer .npy or an IDX1 file (an image folder's class sub-folders are labels too)", CommandOptionType.SingleValue),
        cmd.Option("--preprocess <SPEC>", "how images and uint8 data become input, e.g. resize=256,crop=224,mean=0.485,0.456,0.406,std=0.229,0.224,0.225", CommandOptionType.SingleValue),
        cmd.Option("--calibration-method <M>", "minmax, percentile (default, 99.99) or entropy (TensorRT's KL divergence)", CommandOptionType.SingleValue),
        cmd.Option("--calibration-samples <N>", "calibrate on the first N samples of --calibration (default: all)", CommandOptionType.SingleValue));

    public static AccuracyOptions Parse(CommandLineApplication cmd, AccuracyOptionSet set)
    {
        if (set.Labels.HasValue() && !set.Validation.HasValue()) throw new CommandParsingException(cmd, "--labels belong to --validation DATA, which is missing");
        var method = set.Method.HasValue() ? CalibrationMethodNames.Parse(set.Method.Value()!) : CalibrationSettings.Default.Method;
        if ((set.Method.HasValue() || set.CalibrationSamples.HasValue()) && !set.Calibration.HasValue())
        {
            throw new CommandParsingException(cmd, "--calibration-method and --calibration-samples apply to --calibration DATA, which is missing");
        }
        int? limit = null;
        if (set.CalibrationSamples.HasValue())
        {
            limit = int.TryParse(set.CalibrationSamples.Value(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n : throw new CommandParsingException(cmd, $"--calibration-samples '{set.CalibrationSamples.Value()}' is not a whole number of at least 1");
        }
        return new AccuracyOptions(set.Calibration.Value(), set.Validation.Value(), set.Labels.Value(),
            set.Preprocess.HasValue() ? Preprocess.Parse(set.Preprocess.Value()!) : null,
            CalibrationSettings.Default with { Method = method, MaxSamples = limit });
    }

    public IDataSet? CalibrationSet(IReadOnlyList<InputSignature> inputs, int? limit = null) =>
        Calibration is null ? null : DataSets.Open(Calibration, inputs, Preprocess, null, Min((int?)Settings.MaxSamples, limit));

    private static int? Min(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    public IDataSet ValidationSet(IReadOnlyList<InputSignature> inputs, int? limit = null) =>
        DataSets.Open(Validation ?? throw new InvalidOperationException("no validation data"), inputs, Preprocess, Labels, limit);
}
