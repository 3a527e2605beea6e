using System.Globalization;
using System.Text;

namespace OnnxCoDesign.Fuzzing.Driver;

/// <summary>The tallies of a campaign: outcomes per command, inputs per mutation class, and findings grouped by cause.</summary>
public sealed class CampaignReport(CampaignSettings settings)
{
    private const int ReproducersShown = 3;

    private readonly Dictionary<(string Command, Outcome Outcome), int> _outcomes = [];
    private readonly Dictionary<string, int> _refusalCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _classes = new(StringComparer.Ordinal);
    private readonly List<Finding> _findings = [];

    public CampaignSettings Settings { get; } = settings;

    public int Inputs { get; private set; }

    public TimeSpan Elapsed { get; internal set; }

    /// <summary>The folder of a replayed input, kept for inspection.</summary>
    public string? KeptFolder { get; internal set; }

    public IReadOnlyList<Finding> Findings => _findings;

    /// <summary>Findings that fail the campaign (everything but a verify mismatch), grouped by kind and cause, most frequent first.</summary>
    public IReadOnlyList<IGrouping<string, Finding>> FailureGroups => Groups(f => f.Kind != FindingKind.CheckFailed);

    public IReadOnlyList<IGrouping<string, Finding>> CheckFailedGroups => Groups(f => f.Kind == FindingKind.CheckFailed);

    public int Count(FindingKind kind) => _findings.Count(f => f.Kind == kind);

    public int Count(string command, Outcome outcome) => _outcomes.GetValueOrDefault((command, outcome));

    internal void Add(FuzzCaseRunner.Result result)
    {
        Inputs++;
        foreach (var name in result.Case.Mutations)
        {
            var cls = Mutations.MutationCatalog.ByName(name).Class;
            _classes[cls] = _classes.GetValueOrDefault(cls) + 1;
        }
        foreach (var (run, verdict) in result.Runs)
        {
            _outcomes[(run.Command, verdict.Outcome)] = _outcomes.GetValueOrDefault((run.Command, verdict.Outcome)) + 1;
            if (verdict is { Outcome: Outcome.Refused, Code: { } code }) _refusalCodes[code] = _refusalCodes.GetValueOrDefault(code) + 1;
        }
        _findings.AddRange(result.Findings);
    }

    /// <summary>The summary table: inputs, outcomes per command, mutation classes, distinct causes with reproducers, time.</summary>
    public string Summary()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var origin = Settings.Replay is { } replay ? $"replay 0x{replay:X16}" : $"seed {Settings.Seed}";
        s.AppendLine(c, $"fuzz: {Inputs} inputs, {origin}, timeout {Settings.Timeout.TotalSeconds:0} s per command, {Elapsed.TotalSeconds:0.0} s ({(Inputs == 0 ? 0 : Elapsed.TotalMilliseconds / Inputs):0} ms per input)");
        s.AppendLine();
        var outcomes = Enum.GetValues<Outcome>();
        s.AppendLine("command   " + string.Concat(outcomes.Select(o => o.ToString().PadLeft(12))));
        foreach (var command in FuzzCaseRunner.Commands)
        {
            s.AppendLine(command.PadRight(10) + string.Concat(outcomes.Select(o => Count(command, o).ToString(c).PadLeft(12))));
        }
        s.AppendLine();
        s.AppendLine("mutation classes: " + string.Join(", ", _classes.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
        s.AppendLine("refusal codes:    " + string.Join(", ", _refusalCodes.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
        s.AppendLine();
        s.AppendLine(c, $"crashes {Count(FindingKind.Crash)}, hangs {Count(FindingKind.Hang)}, partial output {Count(FindingKind.PartialOutput)}, accepted but ORT refuses {Count(FindingKind.AcceptedButOrtRefuses)}, verify mismatches {Count(FindingKind.CheckFailed)} (not fatal)");
        AppendGroups(s, "distinct causes", FailureGroups);
        AppendGroups(s, "verify mismatches (reported, not fatal)", CheckFailedGroups);
        return s.ToString();
    }

    private static void AppendGroups(StringBuilder s, string title, IReadOnlyList<IGrouping<string, Finding>> groups)
    {
        if (groups.Count == 0) return;
        s.AppendLine();
        s.AppendLine($"{title} ({groups.Count}):");
        int n = 0;
        foreach (var g in groups)
        {
            var mutations = g.Select(f => f.Case.MutationName).Distinct().Take(6);
            var commands = string.Join(", ", g.Select(f => f.Command).Distinct());
            s.AppendLine(CultureInfo.InvariantCulture, $"{++n,3}. [{g.Count()}×] {g.Key}  ({commands})");
            if (g.First().Detail is { Length: > 0 } detail) s.AppendLine($"      {detail}");
            s.AppendLine($"      mutations: {string.Join(", ", mutations)}");
            foreach (var f in g.DistinctBy(f => f.Case.Seed).Take(ReproducersShown)) s.AppendLine($"      repro: {f.Case.Reproducer}");
        }
    }

    private IReadOnlyList<IGrouping<string, Finding>> Groups(Func<Finding, bool> filter) =>
        _findings.Where(filter).GroupBy(f => f.Key).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
}
