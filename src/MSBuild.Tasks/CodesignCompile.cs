using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace OnnxCoDesign.MSBuild.Tasks;

/// <summary>
/// Runs `dotnet-codesign-compile compile` on one model, in its own process, with a response file. Each property names
/// the one flag it maps to (and the OnnxModel metadata it comes from: <see cref="Options"/>); an empty property leaves
/// its flag out, so the compiler's default holds. The compiler's warnings and errors come back as data
/// (`--diagnostics FILE`): each is logged with its code, at the file it is about or else at the model, and an error
/// caused by an option's value names the item and the metadata that set it. Its stderr is only detail then. The task
/// itself never reads a model.
/// </summary>
public sealed class CodesignCompile : ToolTask
{
    /// <summary>The task could not find the compiler assembly it was pointed at.</summary>
    public const string CompilerNotFound = "OCD1901";

    /// <summary>Models failed to compile (raised by the targets after all of them ran, to stop the build).</summary>
    public const string ModelsFailed = "OCD1903";

    /// <summary>The model (positional MODEL).</summary>
    [Required]
    public string Model { get; set; } = "";

    /// <summary>`-o|--output DIR`. Its parent folder is created; the compiler refuses a folder it did not write (its manifest says what it did).</summary>
    [Required]
    public string OutputDir { get; set; } = "";

    /// <summary>The packaged compiler, `dotnet-codesign-compile.dll`, run with `dotnet exec`.</summary>
    [Required]
    public string CompilerPath { get; set; } = "";

    /// <summary>The `dotnet` host to run the compiler with; MSBuild's `$(DOTNET_HOST_PATH)`, else `dotnet` on PATH.</summary>
    public string? DotNetHostPath { get; set; }

    /// <summary>`--devices D1,D2[,...]`.</summary>
    public string? Devices { get; set; }

    /// <summary>`--link SPEC`.</summary>
    public string? Link { get; set; }

    /// <summary>`--objective latency|throughput`.</summary>
    public string? Objective { get; set; }

    /// <summary>`--lambda X`.</summary>
    public string? Lambda { get; set; }

    /// <summary>`--precision fp32|fp16|int8`.</summary>
    public string? Precision { get; set; }

    /// <summary>`--accuracy prior|measured`.</summary>
    public string? Accuracy { get; set; }

    /// <summary>`--cost-model roofline|paper`.</summary>
    public string? CostModel { get; set; }

    /// <summary>`--shape NAME=DIMS`, once per entry.</summary>
    public string[]? Shape { get; set; }

    /// <summary>`--verify`.</summary>
    public bool Verify { get; set; }

    /// <summary>`--calibration DATA`: int8 parts are QDQ models whose activation ranges come from this data.</summary>
    public string? Calibration { get; set; }

    /// <summary>`--calibration-method minmax|percentile|entropy`.</summary>
    public string? CalibrationMethod { get; set; }

    /// <summary>`--calibration-samples N`.</summary>
    public string? CalibrationSamples { get; set; }

    /// <summary>`--validation DATA`: the chosen plan's accuracy is measured on it.</summary>
    public string? Validation { get; set; }

    /// <summary>`--labels LABELS`.</summary>
    public string? Labels { get; set; }

    /// <summary>`--preprocess SPEC`.</summary>
    public string? Preprocess { get; set; }

    /// <summary>`--wire auto|fp32|fp16|int8`.</summary>
    public string? Wire { get; set; }

    /// <summary>`--input-format float|uint8`.</summary>
    public string? InputFormat { get; set; }

    /// <summary>`--max-accuracy-drop POINTS`.</summary>
    public string? MaxAccuracyDrop { get; set; }

    /// <summary>`--dependency-file FILE`: the compiler lists there every file it read (the targets' Inputs next time).</summary>
    public string? DependencyFile { get; set; }

    /// <summary>The item (<see cref="ItemName"/>) when the compile failed, else empty: the targets report every failed model.</summary>
    [Output]
    public string? FailedModel { get; private set; }

    /// <summary>The OnnxModel item as the project names it (its Identity), for messages; the model path when empty.</summary>
    public string? ItemName { get; set; }

    // The compiler's stderr, replayed as canonical lines when it ended before writing its diagnostics.
    private readonly List<string> _errorLines = new();

    private string? _diagnosticsPath;

    protected override string ToolName => "dotnet";

    // MSBuild folders end in a separator; the compiler names its staging and backup folders after the last segment.
    private string OutputFolder => Path.GetFullPath(OutputDir).TrimEnd('/', '\\');

    // The compiler's own lines: errors and warnings are parsed from either stream; its summary is detail.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    protected override string GenerateFullPathToTool()
    {
        if (!string.IsNullOrEmpty(DotNetHostPath) && File.Exists(DotNetHostPath)) return DotNetHostPath!;
        var name = Path.DirectorySeparatorChar == '\\' ? "dotnet.exe" : "dotnet";
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (folder.Length == 0) continue;
            var candidate = Path.Combine(folder.Trim('"'), name);
            if (File.Exists(candidate)) return candidate;
        }
        return name;
    }

    protected override bool ValidateParameters()
    {
        if (!File.Exists(CompilerPath))
        {
            Log.LogError(null, CompilerNotFound, null, CompilerPath, 0, 0, 0, 0,
                "the OnnxCoDesign compiler was not found at '{0}' (set OnnxCoDesignCompilerPath)", CompilerPath);
            return false;
        }
        return base.ValidateParameters();
    }

    public override bool Execute()
    {
        _diagnosticsPath = Path.Combine(Path.GetTempPath(), "codesign-" + Guid.NewGuid().ToString("N") + ".diagnostics");
        try
        {
            var succeeded = base.Execute();
            if (!succeeded) FailedModel = string.IsNullOrEmpty(ItemName) ? Model : ItemName;
            return succeeded;
        }
        finally
        {
            if (File.Exists(_diagnosticsPath)) File.Delete(_diagnosticsPath);
        }
    }

    protected override string GenerateCommandLineCommands()
    {
        var line = new CommandLineBuilder();
        line.AppendSwitch("exec");
        line.AppendFileNameIfNotNull(CompilerPath);
        line.AppendSwitchIfNotNull("--diagnostics=", _diagnosticsPath);
        line.AppendSwitch("compile");
        return line.ToString();
    }

    /// <summary>One argument per line (the compiler reads `@file` line by line), so paths need no quoting.</summary>
    protected override string GenerateResponseFileCommands()
    {
        var text = new StringBuilder();
        text.AppendLine(Path.GetFullPath(Model));
        Flag(text, "--output", OutputFolder);
        foreach (var option in Options())
        {
            foreach (var value in option.Values) Flag(text, option.Flag, value);
        }
        if (Verify) text.AppendLine("--verify");
        Flag(text, "--dependency-file", FullPath(DependencyFile));
        return text.ToString();
    }

    /// <summary>The flags that carry OnnxModel metadata: each flag, its metadata and the value(s) the task passes.</summary>
    private IEnumerable<(string Flag, string Metadata, string?[] Values)> Options() =>
    [
        ("--devices", "Devices", [Devices]),
        ("--link", "Link", [Link]),
        ("--objective", "Objective", [Objective]),
        ("--lambda", "Lambda", [Lambda]),
        ("--precision", "Precision", [Precision]),
        ("--wire", "Wire", [Wire]),
        ("--input-format", "InputFormat", [InputFormat]),
        ("--accuracy", "Accuracy", [Accuracy]),
        ("--cost-model", "CostModel", [CostModel]),
        ("--shape", "Shape", Shape ?? []),
        ("--calibration", "Calibration", [FullPath(Calibration)]),
        ("--calibration-method", "CalibrationMethod", [CalibrationMethod]),
        ("--calibration-samples", "CalibrationSamples", [CalibrationSamples]),
        ("--validation", "Validation", [FullPath(Validation)]),
        ("--labels", "Labels", [FullPath(Labels)]),
        ("--preprocess", "Preprocess", [Preprocess]),
        ("--max-accuracy-drop", "MaxAccuracyDrop", [MaxAccuracyDrop]),
    ];

    /// <summary>Data paths are relative to the project, as item metadata is; the compiler gets them whole.</summary>
    private static string? FullPath(string? path) => string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path!.Trim());

    // `--name=value` keeps a flag and its value on one line, and cannot be mistaken for a further argument.
    private static void Flag(StringBuilder text, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        text.Append(name).Append('=').AppendLine(value!.Trim());
    }

    // Detail only: the diagnostics file says what is a warning or an error.
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        lock (_errorLines) _errorLines.Add(singleLine);
        Log.LogMessage(messageImportance, "{0}", singleLine);
    }

    protected override int ExecuteTool(string pathToTool, string responseFileCommands, string commandLineCommands)
    {
        // The compiler renames its staged set into OutputDir, so OutputDir's parent must exist.
        var parent = Path.GetDirectoryName(OutputFolder);
        if (!string.IsNullOrEmpty(parent)) Directory.CreateDirectory(parent);
        var exit = base.ExecuteTool(pathToTool, responseFileCommands, commandLineCommands);
        if (_diagnosticsPath is not null && File.Exists(_diagnosticsPath))
        {
            foreach (var line in File.ReadAllLines(_diagnosticsPath)) LogDiagnostic(line);
        }
        else
        {
            // It stopped before writing them (a crash, a runtime that would not start): its canonical lines, as ToolTask reads them.
            lock (_errorLines) foreach (var line in _errorLines) Log.LogMessageFromText(line, MessageImportance.High);
        }
        return exit;
    }

    /// <summary>One line of the compiler's diagnostics file: severity, code, file, option, message (tab-separated).</summary>
    private void LogDiagnostic(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length != 5)
        {
            Log.LogMessage(MessageImportance.High, "{0}", line);
            return;
        }
        var (severity, code, file, option, message) = (fields[0], fields[1], fields[2], fields[3], fields[4]);
        // The tool's own origin names no file: the model item is what the error is about.
        var at = file.Length == 0 || file == ToolOrigin ? Path.GetFullPath(Model) : file;
        var metadata = Options().FirstOrDefault(o => o.Flag == option);
        if (metadata.Metadata is not null)
        {
            var value = string.Join(";", metadata.Values.Where(v => !string.IsNullOrWhiteSpace(v)));
            message = $"OnnxModel '{(string.IsNullOrEmpty(ItemName) ? Model : ItemName)}', metadata {metadata.Metadata}=\"{value}\" ({option}): {message}";
        }
        if (severity == "warning") Log.LogWarning(null, code, null, at, 0, 0, 0, 0, "{0}", message);
        else Log.LogError(null, code.Length == 0 ? null : code, null, at, 0, 0, 0, 0, "{0}", message);
    }

    /// <summary>The origin the compiler gives errors that are about no file (CodesignCli.ToolName).</summary>
    private const string ToolOrigin = "codesign-compile";
}
