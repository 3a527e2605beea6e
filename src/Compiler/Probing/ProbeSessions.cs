using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Probing;

/// <summary>
/// A probe's models loaded for timing: one <see cref="TimedSession"/> per probe ORT accepts (a model it refuses is
/// recorded as failed, not fatal), to be run in <see cref="TimedBatch.Rounds"/> alone (probe) or beside the
/// parts measure times (so the profile and the parts see the same host).
/// </summary>
public sealed class ProbeSessions : IDisposable
{
    private readonly ProbeSet _set;
    private readonly List<int> _indices = [];
    private readonly List<TimedSession> _sessions = [];
    private readonly Dictionary<int, string> _failures = [];

    public ProbeSessions(ProbeSet set, TimingOptions timing)
    {
        _set = set;
        try
        {
            for (var i = 0; i < set.Items.Count; i++)
            {
                try
                {
                    _sessions.Add(new TimedSession(LoadedModel.InMemory(set.Items[i].Model), timing));
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

    /// <summary>The sessions to time, in the order <see cref="Measurements"/> expects their times.</summary>
    public IReadOnlyList<TimedSession> Sessions => _sessions;

    /// <summary>Every probe's median and fastest seconds from its timed runs ([session][run], as Rounds returns them).</summary>
    public List<ProbeMeasurement> Measurements(IReadOnlyList<double[]> times)
    {
        if (times.Count != _sessions.Count) throw new ArgumentException($"{times.Count} series of times for {_sessions.Count} sessions", nameof(times));
        var byIndex = _indices.Select((index, k) => (index, times[k])).ToDictionary(x => x.index, x => x.Item2);
        return _set.Items.Select((p, i) =>
        {
            var t = byIndex.GetValueOrDefault(i);
            return new ProbeMeasurement(p.Name, p.OpType, p.Flops, p.Bytes, t is null ? null : Statistics.Median(t), t?.Min(), _failures.GetValueOrDefault(i));
        }).ToList();
    }

    public void Dispose()
    {
        foreach (var s in _sessions) s.Dispose();
        _sessions.Clear();
    }
}
