using OnnxCoDesign.Compiler.Devices;
using OnnxCoDesign.Compiler.Measurement;
using OnnxCoDesign.Compiler.Probing;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Probing;

/// <summary>
/// The convs a probe times by ONNX Runtime's profiler: the profile's reading (the n-th node of an op in each run,
/// the typical time over the runs after the warm-up), a profiled conv's own time inside its model's, and the temporary folder
/// of the profiles gone after the sessions.
/// </summary>
public sealed class ProfiledConvTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Event(string cat, string name, long ts, long dur, string? op = null) =>
        $"{{\"cat\": \"{cat}\", \"name\": \"{name}\", \"ts\": {ts}, \"dur\": {dur}" + (op is null ? "" : $", \"args\": {{\"op_name\": \"{op}\"}}") + "}";

    [Fact]
    public void TheProfileGivesTheTypicalTimeOfTheNthNodeOfAnOpPerRunAfterTheWarmup()
    {
        // Three runs; in each a Conv (10, 20, 30 µs), a Relu, then a second Conv (100, 300, 200 µs).
        var events = new List<string> { Event("Session", "session_initialization", 0, 5) };
        var firsts = new[] { 10, 20, 30 };
        var seconds = new[] { 100, 300, 200 };
        for (var r = 0; r < 3; r++)
        {
            var t = 1000 * (r + 1);
            events.Add(Event("Session", "model_run", t, 900));
            events.Add(Event("Node", "a_kernel_time", t + 10, firsts[r], "Conv"));
            events.Add(Event("Node", "r_kernel_time", t + 50, 7, "Relu"));
            events.Add(Event("Node", "b_kernel_time", t + 60, seconds[r], "Conv"));
            events.Add(Event("Node", "b_fence_before", t + 59, 0, "Conv")); // not a kernel time
        }
        var file = _dir.WriteText("profile.json", "[" + string.Join(",\n", events) + "]");

        Assert.Equal(20e-6, NodeProfile.TypicalSeconds(file, "Conv", 0, skipRuns: 0)!.Value, 12);
        Assert.Equal(200e-6, NodeProfile.TypicalSeconds(file, "Conv", 1, skipRuns: 0)!.Value, 12);
        Assert.Equal(250e-6, NodeProfile.TypicalSeconds(file, "Conv", 1, skipRuns: 1)!.Value, 12); // 300 and 200
        Assert.Equal(7e-6, NodeProfile.TypicalSeconds(file, "Relu", 0, skipRuns: 0)!.Value, 12);
        Assert.Null(NodeProfile.TypicalSeconds(file, "Conv", 2, skipRuns: 0));
        Assert.Null(NodeProfile.TypicalSeconds(file, "Conv", 0, skipRuns: 3));
    }

    [Fact]
    public void AProfiledConvsOwnTimeIsPartOfItsModelsAndItsProfilesAreDeletedWithTheSessions()
    {
        var timing = new TimingOptions(Runs: 3, Warmup: 1, Threads: 1);
        var shapes = new[]
        {
            new ProfiledConvShape(ConvEfficiencyCurve.Strided, 16, 32, 3, 2, 8),
            new ProfiledConvShape(ConvEfficiencyCurve.Thin, 3, 16, 3, 2, 8),
        };
        var set = new ProbeSet([], 0, [], shapes);
        Assert.Equal([1, 0], set.Items.Select(i => i.ProfiledNode!.Value));
        string folder;
        using (var sessions = new ProbeSessions(set, timing))
        {
            folder = sessions.ProfileFolder!;
            Assert.True(Directory.Exists(folder));
            var measured = sessions.Measurements(TimedBatch.Rounds(sessions.Sessions, timing));
            Assert.All(measured, m =>
            {
                Assert.True(m.NodeSeconds > 0, m.Name);
                Assert.True(m.NodeSeconds < m.Seconds, m.Name); // one conv of the model, not the whole run
            });
            Assert.Equal(shapes.Select(s => s.Flops), measured.Select(m => m.Flops));
        }
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void EverySingleOpProbeIsTimedByItselfInsideItsModel()
    {
        var set = HostProbe.Probes(new ProbeOptions());
        var single = set.Items.Skip(ProbeSet.ReferenceCount).Take(set.OperatorCount).ToList();
        Assert.Contains(single, p => p.OpType == "MaxPool");
        Assert.All(single, p => Assert.Equal(0, p.ProfiledNode));
        Assert.All(set.Items.Take(ProbeSet.ReferenceCount), p => Assert.Null(p.ProfiledNode));

        // The MaxPool probe: ONNX Runtime runs it blocked where it has an NCHWc block, between a ReorderInput and a
        // ReorderOutput the kernel model costs on their own; the op's own time is part of the whole run.
        var maxPool = single.First(p => p.OpType == "MaxPool");
        var timing = new TimingOptions(Runs: 3, Warmup: 1, Threads: 1);
        using var sessions = new ProbeSessions(new ProbeSet([(maxPool.Name, maxPool.OpType, maxPool.Model, null, maxPool.ProfiledNode)], 1, []), timing);
        var m = Assert.Single(sessions.Measurements(TimedBatch.Rounds(sessions.Sessions, timing)));
        Assert.True(m.NodeSeconds > 0);
        Assert.True(m.NodeSeconds < m.Seconds);
        Assert.Equal(m.NodeSeconds + 2e-6, m.FitSeconds(2e-6));
        Assert.Equal(m.Seconds, (m with { NodeSeconds = null }).FitSeconds(2e-6));
    }

    [Fact]
    public void ASessionWhoseProfileWasNeverReadLeavesNothingBehind()
    {
        var timing = new TimingOptions(Runs: 1, Warmup: 0, Threads: 1);
        var set = new ProbeSet([], 0, [], [new ProfiledConvShape(ConvEfficiencyCurve.Strided, 16, 32, 3, 2, 8)]);
        string folder;
        using (var sessions = new ProbeSessions(set, timing))
        {
            folder = sessions.ProfileFolder!;
            TimedBatch.Rounds(sessions.Sessions, timing);
        }
        Assert.False(Directory.Exists(folder)); // ORT writes the profile when the session is released; it is ours to delete
    }
}
