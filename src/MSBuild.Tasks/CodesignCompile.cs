using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace OnnxCoDesign.MSBuild.Tasks;

/// <summary>
/// Runs `dotnet-codesign-compile compile` on one model, in its own process, with a response file. Each property names
/// the one flag it maps to; an empty property leaves its flag out, so the compiler's default holds. The compiler
/// prints its errors in MSBuild's canonical form (`FILE: error OCDnnnn: message`), which ToolTask logs as errors with
/// their file and code; the task itself never reads a model.
/// </summary>
public sealed class CodesignCompile : ToolTask
{
    /// <summary>The task could not find the compiler assembly it was pointed at.</summary>
    public const string CompilerNotFound = "OCD1901";

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

    protected override int ExecuteTool(string pathToTool, string responseFileCommands, string commandLineCommands)
    {
        // The compiler renames its staged set into OutputDir, so OutputDir's parent must exist.
        var parent = Path.GetDirectoryName(OutputFolder);
        if (!string.IsNullOrEmpty(parent)) Directory.CreateDirectory(parent);
        return base.ExecuteTool(pathToTool, responseFileCommands, commandLineCommands);
    }

    protected override string GenerateCommandLineCommands()
    {
        var line = new CommandLineBuilder();
        line.AppendSwitch("exec");
        line.AppendFileNameIfNotNull(CompilerPath);
        line.AppendSwitch("compile");
        return line.ToString();
    }

    /// <summary>One argument per line (the compiler reads `@file` line by line), so paths need no quoting.</summary>
    protected override string GenerateResponseFileCommands()
    {
        var text = new StringBuilder();
        text.AppendLine(Path.GetFullPath(Model));
        Flag(text, "--output", OutputFolder);
        Flag(text, "--devices", Devices);
        Flag(text, "--link", Link);
        Flag(text, "--objective", Objective);
        Flag(text, "--lambda", Lambda);
        Flag(text, "--precision", Precision);
        Flag(text, "--wire", Wire);
        Flag(text, "--input-format", InputFormat);
        Flag(text, "--accuracy", Accuracy);
        Flag(text, "--cost-model", CostModel);
        foreach (var binding in Shape ?? []) Flag(text, "--shape", binding);
        if (Verify) text.AppendLine("--verify");
        Flag(text, "--calibration", FullPath(Calibration));
        Flag(text, "--calibration-method", CalibrationMethod);
        Flag(text, "--calibration-samples", CalibrationSamples);
        Flag(text, "--validation", FullPath(Validation));
        Flag(text, "--labels", FullPath(Labels));
        Flag(text, "--preprocess", Preprocess);
        Flag(text, "--max-accuracy-drop", MaxAccuracyDrop);
        return text.ToString();
    }

    /// <summary>Data paths are relative to the project, as item metadata is; the compiler gets them whole.</summary>
    private static string? FullPath(string? path) => string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path!.Trim());

    // `--name=value` keeps a flag and its value on one line, and cannot be mistaken for a further argument.
    private static void Flag(StringBuilder text, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        text.Append(name).Append('=').AppendLine(value!.Trim());
    }
}
