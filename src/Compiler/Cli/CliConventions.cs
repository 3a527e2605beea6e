using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// The conventions every command shares, in one place: `MODEL | --sample NAME`, `--json FILE|-`, one
/// precision parser, the same `--inputs`/`--seed` defaults, output folders checked before any work, and an
/// Examples section in each command's help. Each check throws a <see cref="CommandParsingException"/>, which
/// <see cref="CodesignCli"/> prints as OCD1401 and exits 2 with.
/// </summary>
public static class CliConventions
{
    /// <summary>Seeded random inputs a numeric comparison runs (verify, fuse --verify, compile --verify).</summary>
    public const int DefaultInputs = 4;

    /// <summary>The seed of every generator a command takes --seed for (inputs, arrival times).</summary>
    public const ulong DefaultSeed = 0;

    public const string JsonForm = "--json FILE|-";

    public static CommandOption Json(CommandLineApplication cmd, string what) =>
        cmd.Option("--json <FILE>", $"write {what} as JSON to FILE, or with - print it instead of the text report", CommandOptionType.SingleValue);

    public static CommandOption Precision(CommandLineApplication cmd, string description) =>
        cmd.Option("--precision <P>", description, CommandOptionType.SingleValue);

    public static CommandOption Inputs(CommandLineApplication cmd, string what) =>
        cmd.Option("--inputs <N>", $"seeded random inputs {what} (default {DefaultInputs})", CommandOptionType.SingleValue);

    public static CommandOption Seed(CommandLineApplication cmd, string what) =>
        cmd.Option("--seed <S>", $"seed of {what} (default {DefaultSeed})", CommandOptionType.SingleValue);

    /// <summary>fp32, fp16 or int8, case-insensitive; anything else is a usage error.</summary>
    public static TargetPrecision ParsePrecision(CommandLineApplication cmd, string text) =>
        TargetPrecisionNames.Parse(text) ?? throw new CommandParsingException(cmd, $"--precision '{text}' is not one of fp32, fp16, int8");

    public static TargetPrecision? ParsePrecision(CommandLineApplication cmd, CommandOption option) =>
        option.HasValue() ? ParsePrecision(cmd, option.Value()!) : null;

    public static int ParseInputs(CommandLineApplication cmd, CommandOption option) =>
        !option.HasValue() ? DefaultInputs
        : int.TryParse(option.Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000 ? n
        : throw new CommandParsingException(cmd, $"--inputs '{option.Value()}' is not a whole number from 1 to 100000");

    public static ulong ParseSeed(CommandLineApplication cmd, CommandOption option) =>
        !option.HasValue() ? DefaultSeed
        : ulong.TryParse(option.Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s
        : throw new CommandParsingException(cmd, $"--seed '{option.Value()}' is not a non-negative whole number");

    /// <summary>
    /// Registers --calibration DATA, --validation DATA, --labels LABELS and --preprocess SPEC (the data-set
    /// options of compile, fuse, verify and evaluate; <see cref="DataSets.Open"/> reads what they name).
    /// </summary>
    public static (CommandOption Calibration, CommandOption Validation, CommandOption Labels, CommandOption Preprocess) DataOptionsFor(CommandLineApplication cmd) => (
        cmd.Option("--calibration <DATA>", "calibration data: a .npy (N×… float32 or uint8), an IDX file (.gz too), a folder in onnx's test-data layout, or a folder of JPEG/PNG images", CommandOptionType.SingleValue),
        cmd.Option("--validation <DATA>", "validation data, in the forms --calibration takes; class sub-folders of an image folder give its labels", CommandOptionType.SingleValue),
        cmd.Option("--labels <LABELS>", "class ids of the validation samples: a 1-D integer .npy or an IDX1 file (.gz too)", CommandOptionType.SingleValue),
        cmd.Option("--preprocess <SPEC>", $"how samples become input: {Data.Preprocess.Form} (scale defaults to 1/255 for uint8 data and images)", CommandOptionType.SingleValue));

    /// <summary>
    /// The data-set options as given. --labels without --validation and --preprocess without any data are usage
    /// errors; a --preprocess that does not parse is OCD1527. Paths are not checked here: a missing one is
    /// OCD1501 when <see cref="DataSets.Open"/> opens it.
    /// </summary>
    /// <param name="preprocessAlone">--preprocess means something without data (compile --input-format uint8: the model's normalization).</param>
    public static DataOptions ParseDataOptions(CommandLineApplication cmd, CommandOption calibration, CommandOption validation, CommandOption labels, CommandOption preprocess,
        bool preprocessAlone = false)
    {
        if (labels.HasValue() && !validation.HasValue()) throw new CommandParsingException(cmd, "--labels names the classes of --validation data: give --validation DATA too");
        if (preprocess.HasValue() && !preprocessAlone && !calibration.HasValue() && !validation.HasValue())
        {
            throw new CommandParsingException(cmd, "--preprocess applies to --calibration or --validation data: give one of them too");
        }
        var spec = preprocess.HasValue() ? Data.Preprocess.Parse(preprocess.Value()!) : null;
        return new DataOptions(calibration.Value(), validation.Value(), labels.Value(), spec);
    }

    public static DataOptions ParseDataOptions(CommandLineApplication cmd, (CommandOption Calibration, CommandOption Validation, CommandOption Labels, CommandOption Preprocess) options) =>
        ParseDataOptions(cmd, options.Calibration, options.Validation, options.Labels, options.Preprocess);

    /// <summary>
    /// An output path (`-o`, `--json FILE`, `--csv FILE`) must name a place in a folder that exists: checked
    /// before the model is loaded, so a typo in the folder costs nothing. "-" (stdout) and no value pass.
    /// </summary>
    public static void CheckOutput(CommandLineApplication cmd, CommandOption option)
    {
        var path = option.Value();
        if (string.IsNullOrEmpty(path) || path == "-") return;
        string? parent;
        try
        {
            parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CommandParsingException(cmd, $"--{option.LongName ?? option.ShortName} '{path}' is not a usable path: {e.Message}");
        }
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new CommandParsingException(cmd, $"--{option.LongName ?? option.ShortName} '{path}': the folder '{parent}' does not exist");
        }
    }

    /// <summary>Whether --json - asked for the JSON on stdout in place of the text report.</summary>
    public static bool JsonToStdout(CommandOption json) => json.Value() == "-";

    /// <summary>--json FILE writes the JSON there (beside the text report), --json - prints it; nothing without --json.</summary>
    public static void WriteJson(CommandOption json, string text, CliOutput output)
    {
        if (!json.HasValue()) return;
        if (JsonToStdout(json)) output.Out.Write(text);
        else AtomicFile.WriteText(json.Value()!, text);
    }

    /// <summary>`--json` with no FILE or - after it: the old switch form, refused with the form to use instead.</summary>
    public static string? BareJson(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] != "--json") continue;
            var next = i + 1 < args.Count ? args[i + 1] : null;
            if (next is null || (next.Length > 1 && next[0] == '-'))
            {
                return $"--json takes FILE or - (print to stdout): write `--json -` where a bare --json was given ({JsonForm})";
            }
        }
        return null;
    }

    /// <summary>Appends an Examples section to a command's help: each line a runnable command line.</summary>
    public static void Examples(CommandLineApplication cmd, params string[] examples)
    {
        var lines = examples.Select(e => "  " + CodesignCli.CommandLine + " " + e);
        cmd.ExtendedHelpText = "\nExamples:\n" + string.Join("\n", lines) + "\n";
    }
}

/// <summary>The data-set options of a command (<see cref="CliConventions.ParseDataOptions(CommandLineApplication, CommandOption, CommandOption, CommandOption, CommandOption, bool)"/>): paths as given.</summary>
public sealed record DataOptions(string? Calibration, string? Validation, string? Labels, Preprocess? Preprocess);
