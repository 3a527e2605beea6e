using OnnxCoDesign.Fuzzing.Mutations;

namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>
/// Runs one input through analyze, fuse, compile and verify in its own folder and judges each run. Outputs go
/// to that folder only: analysis.json, fused.onnx, compiled/, verify.json.
/// </summary>
public static class FuzzCaseRunner
{
    public static readonly IReadOnlyList<string> Commands = ["analyze", "fuse", "compile", "verify"];

    public sealed record Result(FuzzCase Case, IReadOnlyList<(CommandRun Run, Verdict Verdict)> Runs, IReadOnlyList<Finding> Findings);

    public static Result Run(FuzzCase fuzzCase, string caseFolder, TimeSpan timeout)
    {
        Directory.CreateDirectory(caseFolder);
        var context = fuzzCase.Materialize(caseFolder);
        var model = FuzzCaseWriter.Write(context);
        var shapes = context.ShapeBindings.SelectMany(b => new[] { "--shape", b }).ToArray();
        var fused = Path.Combine(caseFolder, "fused.onnx");
        var runs = new List<(CommandRun, Verdict)>();
        var findings = new List<Finding>();

        foreach (var command in Commands)
        {
            string[] args = command switch
            {
                "analyze" => ["analyze", model, "--json", Path.Combine(caseFolder, "analysis.json"), .. shapes],
                "fuse" => ["fuse", model, "-o", fused, .. shapes],
                "compile" => ["compile", model, "-o", Path.Combine(caseFolder, "compiled"), .. shapes],
                // Against its own fused form when fuse wrote one: that checks the rewrite too.
                _ => ["verify", model, File.Exists(fused) ? fused : model, "--inputs", "1", "--json", Path.Combine(caseFolder, "verify.json"), .. shapes],
            };
            var before = FolderSnapshot.Take(caseFolder);
            var run = CliInvoker.Run(args, timeout);
            var verdict = Verdict.Of(run);
            runs.Add((run, verdict));
            switch (verdict.Outcome)
            {
                case Outcome.Crash:
                    // Grouped by cause alone, so one defect reached from several commands is one entry.
                    findings.Add(new Finding(FindingKind.Crash, command, verdict.Cause!, verdict.Detail, fuzzCase));
                    break;
                case Outcome.Hang:
                    findings.Add(new Finding(FindingKind.Hang, command, $"{command}: {verdict.Cause}", null, fuzzCase));
                    // The command may still be writing; the other commands would race with it.
                    return new Result(fuzzCase, runs, findings);
                case Outcome.CheckFailed:
                    findings.Add(new Finding(FindingKind.CheckFailed, command, $"{command}: {verdict.Cause}", verdict.Detail, fuzzCase));
                    break;
            }
            if (verdict.Outcome != Outcome.Success && before.ChangedSince() is { Count: > 0 } left)
            {
                findings.Add(new Finding(FindingKind.PartialOutput, command, $"{command} failed ({verdict.Code ?? verdict.Outcome.ToString()}) and left {Pattern(left)}", string.Join(", ", left.Take(5)), fuzzCase));
            }
            if (command == "analyze" && verdict.Outcome == Outcome.Success && OrtOracle.Refusal(model, caseFolder, run, timeout) is { } refusal)
            {
                findings.Add(new Finding(FindingKind.AcceptedButOrtRefuses, command, refusal, null, fuzzCase));
            }
        }
        return new Result(fuzzCase, runs, findings);
    }

    /// <summary>What was left, with the GUIDs of temporary names taken out so that such leftovers group together.</summary>
    private static string Pattern(IReadOnlyList<string> left) =>
        string.Join(", ", left.Select(p => System.Text.RegularExpressions.Regex.Replace(p, "[0-9a-f]{32}|[0-9a-f-]{36}", "GUID")).Distinct().Take(3));
}
