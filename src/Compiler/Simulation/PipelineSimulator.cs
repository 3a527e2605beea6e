namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>What happened to every request: when it arrived and when it left the last station, and how long each station was busy.</summary>
public sealed record PipelineRun(double[] Arrivals, double[] Completions, double[] BusySeconds);

/// <summary>
/// Discrete-event simulation of a pipeline of FIFO single servers in series (a tandem queue): requests arrive
/// at the first station, wait while it is busy, are served for its deterministic time, then move on to the next
/// one at once, or after the station's delay (a link's latency: a pure delay, the same for every request, so
/// order is kept), with no buffer limit. Events are kept in a
/// priority queue ordered by time, then by the order they were scheduled, so ties resolve the same way on
/// every run. Each station's busy time is summed for its utilisation.
/// </summary>
public static class PipelineSimulator
{
    private enum Kind { Arrive, Depart, Transit }

    public static PipelineRun Run(IReadOnlyList<Station> stations, double[] arrivals)
    {
        var n = arrivals.Length;
        var completions = new double[n];
        var busy = new double[stations.Count];
        if (stations.Count == 0)
        {
            Array.Copy(arrivals, completions, n); // nothing to do: a request leaves as it arrives
            return new PipelineRun(arrivals, completions, busy);
        }

        var serving = new bool[stations.Count];
        var waiting = stations.Select(_ => new Queue<int>()).ToArray();
        var events = new PriorityQueue<(Kind Kind, int Request, int Station), (double Time, long Order)>();
        long order = 0;
        void Schedule(double time, Kind kind, int request, int station) => events.Enqueue((kind, request, station), (time, order++));
        void Start(double now, int request, int station)
        {
            serving[station] = true;
            busy[station] += stations[station].ServiceSeconds;
            Schedule(now + stations[station].ServiceSeconds, Kind.Depart, request, station);
        }
        void Arrive(double now, int request, int station)
        {
            if (serving[station]) waiting[station].Enqueue(request);
            else Start(now, request, station);
        }
        // Past station's service (and delay): on to the next station, or done.
        void Forward(double now, int request, int station)
        {
            if (station + 1 < stations.Count) Arrive(now, request, station + 1);
            else completions[request] = now;
        }

        // Only the next external arrival is ever pending, so the queue holds one event per station plus one, and the requests in transit through a delay.
        if (n > 0) Schedule(arrivals[0], Kind.Arrive, 0, 0);
        while (events.TryDequeue(out var e, out var at))
        {
            var now = at.Time;
            if (e.Kind == Kind.Arrive)
            {
                if (e.Request + 1 < n) Schedule(arrivals[e.Request + 1], Kind.Arrive, e.Request + 1, 0);
                Arrive(now, e.Request, 0);
                continue;
            }
            if (e.Kind == Kind.Transit)
            {
                Forward(now, e.Request, e.Station);
                continue;
            }
            if (stations[e.Station].DelaySeconds > 0) Schedule(now + stations[e.Station].DelaySeconds, Kind.Transit, e.Request, e.Station);
            else Forward(now, e.Request, e.Station);
            if (waiting[e.Station].TryDequeue(out var next)) Start(now, next, e.Station);
            else serving[e.Station] = false;
        }
        return new PipelineRun(arrivals, completions, busy);
    }
}
