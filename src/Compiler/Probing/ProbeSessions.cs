using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// A probe's models loaded for timing: one <see cref="TimedSession"/> per probe ORT accepts (a model it refuses is
/// recorded as failed, not fatal), to be run in <see cref="TimedBatch.Rounds"/> alone (probe) or beside the
/// parts measure times (so the profile and the parts see the same host). A session with a profiled node
/// (<see cref="ProbeItem.ProfiledNode"/>) writes ONNX Runtime's profile into a temporary folder this class makes, reads it in <see cref="Measurements"/> and deletes
/// it, with the folder, when disposed; a session's profiling ends with its first <see cref="Measurements"/>.
/// </summary>
public sealed class ProbeSessions : IDisposable
{
    private readonly ProbeSet _set;
    private readonly List<int> _indices = [];
    private readonly List<TimedSession> _sessions = [];
    private readonly Dictionary<int, string> _failures = [];
    private readonly TimingOptions _timing;
    private DirectoryInfo? _profileFolder;

    public ProbeSessions(ProbeSet set, TimingOptions timing)
    {
        _set = set;
        _timing = timing;
        try
        {
            for (var i = 0; i < set.Items.Count; i++)
            {
                try
                {
                    string? prefix = null;
                    if (set.Items[i].ProfiledNode is not null)
                    {
                        _profileFolder ??= Directory.CreateTempSubdirectory("codesign-probe-");
                        prefix = Path.Combine(_profileFolder.FullName, $"probe{i}");
                    }
                    _sessions.Add(new TimedSession(LoadedModel.InMemory(set.Items[i].Model), timing, prefix));
                    _indices.Add(i);
                }
                catch (CodesignException e) when (e.Code == ErrorCodes.RuntimeFailed)
                {
                    _failures[i] = e.Message;
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temporary folder of the profiled sessions' profiles (null when none is profiled, and after Dispose).</summary>
    public string? ProfileFolder => _profileFolder?.FullName;

    /// <summary>The sessions to time, in the order <see cref="Measurements"/> expects their times.</summary>
    public IReadOnlyList<TimedSession> Sessions => _sessions;

    /// <summary>Every probe's typical (<see cref="Statistics.TypicalSeconds"/>) and fastest seconds from its timed runs ([session][run], as Rounds returns them).</summary>
    public List<ProbeMeasurement> Measurements(IReadOnlyList<double[]> times)
    {
        if (times.Count != _sessions.Count) throw new ArgumentException($"{times.Count} series of times for {_sessions.Count} sessions", nameof(times));
        var byIndex = _indices.Select((index, k) => (index, times[k])).ToDictionary(x => x.index, x => x.Item2);
        var sessionOf = _indices.Select((index, k) => (index, k)).ToDictionary(x => x.index, x => _sessions[x.k]);
        return _set.Items.Select((p, i) =>
        {
            var t = byIndex.GetValueOrDefault(i);
            return new ProbeMeasurement(p.Name, p.OpType, p.Flops, p.Bytes, t is null ? null : Statistics.TypicalSeconds(t), t?.Min(), _failures.GetValueOrDefault(i))
            {
                NodeSeconds = p.ProfiledNode is { } node && sessionOf.TryGetValue(i, out var session) ? NodeSeconds(session, p.OpType, node) : null,
            };
        }).ToList();
    }

    /// <summary>The profiled node's typical time over the session's runs after its warm-up (each round's untimed run included).</summary>
    private double? NodeSeconds(TimedSession session, string opType, int node)
    {
        var file = session.EndProfiling();
        return NodeProfile.TypicalSeconds(file, opType, node, _timing.Warmup);
    }

    public void Dispose()
    {
        foreach (var s in _sessions) s.Dispose();
        _sessions.Clear();
        // Only what this class made, in the folder it made: the profiles ORT wrote at its prefixes (at EndProfiling, or
        // when a session whose profile was never read is released), then the folder when empty.
        if (_profileFolder is { Exists: true } folder)
        {
            foreach (var file in folder.EnumerateFiles("probe*.json")) file.Delete();
            if (!folder.EnumerateFileSystemInfos().Any()) folder.Delete();
        }
        _profileFolder = null;
    }
}
