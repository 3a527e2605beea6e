using System.Globalization;
using OnnxCoDesign.Fuzzing.Driver;

// The long fuzzing job of issue 9: N mutated models through analyze, fuse, compile and verify, in-process.
// Prints the summary table; exit 0 when there was no crash, hang, partial output or accepted-but-ORT-refuses,
// 1 when there was, 2 for a bad command line.
//   --count N      inputs (default 10000)        --seed S      campaign seed (default 1)
//   --timeout SEC  per command (default 60)      --replay SEED rerun one input (its folder is kept)
int count = 10_000;
ulong seed = 1;
double timeout = 60;
ulong? replay = null;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--count": count = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--timeout": timeout = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--replay": replay = ParseSeed(Value()); break;
        default:
            Console.Error.WriteLine($"fuzz: unknown argument '{args[i]}'; use --count N --seed S --timeout SEC --replay SEED");
            return 2;
    }
}

// ORT's own warnings (opset 0 models, unused initializers) go to the process's stderr by the thousand; the job
// reads the CLI's output through its writers, so the runtime is quietened here, in this process only.
Microsoft.ML.OnnxRuntime.OrtEnv.Instance().EnvLogLevel = Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;

var settings = new CampaignSettings(seed, count, TimeSpan.FromSeconds(timeout)) { Replay = replay };
var report = FuzzCampaign.Run(settings, (done, result) =>
{
    foreach (var f in result.Findings.Where(f => f.Kind != FindingKind.CheckFailed)) Console.Error.WriteLine($"  {f.Case.Reproducer}: {f.Key}");
    if (replay is not null) foreach (var (run, verdict) in result.Runs) Console.WriteLine($"{run.Command}: {verdict.Outcome} exit {run.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"} {run.Error.Trim()}");
    if (done % 100 == 0) Console.Error.WriteLine($"fuzz: {done}/{count}");
});
Console.WriteLine(report.Summary());
if (report.KeptFolder is not null) Console.WriteLine($"input kept in {report.KeptFolder}");
return report.FailureGroups.Count == 0 ? 0 : 1;

static ulong ParseSeed(string text) => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
    ? ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
    : ulong.Parse(text, CultureInfo.InvariantCulture);
