using System.Diagnostics;

namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>What a campaign runs: inputs Seed/0 … Seed/Count−1, each command limited to Timeout.</summary>
public sealed record CampaignSettings(ulong Seed, int Count, TimeSpan Timeout)
{
    /// <summary>Where the campaign's folder is made; the system temporary folder unless a caller says otherwise.</summary>
    public string TempRoot { get; init; } = Path.GetTempPath();

    /// <summary>Only this input (by its own seed): `--replay`. Its folder is kept for inspection.</summary>
    public ulong? Replay { get; init; }
}

/// <summary>
/// Runs a campaign: every input in a fresh folder under one campaign folder, deleted after the input (kept only for
/// a replay), the campaign folder deleted at the end. The harness writes nowhere else.
/// </summary>
public static class FuzzCampaign
{
    public static CampaignReport Run(CampaignSettings settings, Action<int, FuzzCaseRunner.Result>? progress = null)
    {
        var root = Path.Combine(settings.TempRoot, "codesign-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var clock = Stopwatch.StartNew();
        var report = new CampaignReport(settings);
        try
        {
            var cases = settings.Replay is { } seed
                ? [FuzzCase.FromSeed(seed)]
                : Enumerable.Range(0, settings.Count).Select(i => FuzzCase.Generate(settings.Seed, i));
            foreach (var fuzzCase in cases)
            {
                var folder = Path.Combine(root, fuzzCase.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var result = WithStrays(FuzzCaseRunner.Run(fuzzCase, folder, settings.Timeout), root, folder);
                report.Add(result);
                progress?.Invoke(report.Inputs, result);
                if (settings.Replay is null) Remove(folder);
                else report.KeptFolder = folder;
            }
        }
        finally
        {
            report.Elapsed = clock.Elapsed;
            if (settings.Replay is null) Remove(root);
        }
        return report;
    }

    /// <summary>
    /// Anything a command wrote beside the input's folder (the campaign folder holds nothing else) is a finding;
    /// it lies inside the campaign folder, which is the harness's own, so it is removed with the input.
    /// </summary>
    private static FuzzCaseRunner.Result WithStrays(FuzzCaseRunner.Result result, string root, string folder)
    {
        var strays = Directory.EnumerateFileSystemEntries(root).Where(p => p != folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (strays.Count == 0) return result;
        foreach (var stray in strays) Remove(Path.Combine(root, stray!), file: true);
        var finding = new Finding(FindingKind.PartialOutput, "any", "a command wrote outside the input's folder", string.Join(", ", strays.Take(5)), result.Case);
        return result with { Findings = [.. result.Findings, finding] };
    }

    /// <summary>Deletes a folder this harness made; links inside are removed, never followed.</summary>
    private static void Remove(string folder, bool file = false)
    {
        try
        {
            // A link is unlinked, never followed into what it points at.
            if (new FileInfo(folder).LinkTarget is not null || (file && !Directory.Exists(folder))) File.Delete(folder);
            else if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A command that hung may still hold or write a file here; the OS's temp cleanup takes the rest.
        }
    }
}
