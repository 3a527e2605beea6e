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
                var result = FuzzCaseRunner.Run(fuzzCase, folder, settings.Timeout);
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

    /// <summary>Deletes a folder this harness made; links inside are removed, never followed.</summary>
    private static void Remove(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A command that hung may still hold or write a file here; the OS's temp cleanup takes the rest.
        }
    }
}
