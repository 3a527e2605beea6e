using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>
/// Times several models in interleaved rounds rather than one after another: after each model's warm-up,
/// every round runs each model once untimed and once timed, and each model keeps the typical time of its timed
/// runs (<see cref="Statistics.TypicalSeconds"/>). Other work on the machine (these hosts are shared) then slows every model's runs a little instead
/// of all the runs of a few models, and the trimmed mean drops it; the untimed run just before each timed one
/// leaves the caches as that model's own previous run would, as on a device that runs only it.
/// Each session has its own intra-op thread pool; <see cref="TimedSession"/> turns their spinning off so
/// that the pools of the models not running cannot compete with the one that is.
/// Models are loaded in batches of at most <see cref="BatchWeightBytes"/> of weights, so a sweep of a large
/// model does not hold every part's session at once.
/// </summary>
public static class TimedBatch
{
    /// <summary>The smallest batch limit, whatever the machine's memory.</summary>
    public const long MinBatchWeightBytes = 768L << 20;

    /// <summary>
    /// Weights a batch holds at most: an eighth of the memory this process may use (ONNX Runtime keeps about two to
    /// three times a model's weights per session: its copy and the packed ones), at least <see cref="MinBatchWeightBytes"/>.
    /// One batch times every part in the same rounds (and beside one probe); a ResNet-50 sweep, 1.5 GB of weights
    /// over its 30 parts, is one batch on a 24 GiB machine.
    /// </summary>
    public static long BatchWeightBytes => Math.Max(MinBatchWeightBytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <param name="progress">Called with (timed runs done, timed runs in all) as rounds finish; null for none.</param>
    /// <returns>The typical seconds of each model (<see cref="Statistics.TypicalSeconds"/>), in the order given.</returns>
    public static double[] Seconds(IReadOnlyList<LoadedModel> models, TimingOptions timing, Action<int, int>? progress = null) =>
        Times(models, timing, [], progress).Seconds;

    /// <summary>
    /// As <see cref="Seconds(IReadOnlyList{LoadedModel}, TimingOptions, Action{int, int}?)"/>, with <paramref name="alongside"/> (sessions the caller holds) timed in the same rounds
    /// as every batch of models, spread among them in each round (<see cref="Spread"/>).
    /// </summary>
    public static TimedBatches Times(IReadOnlyList<LoadedModel> models, TimingOptions timing, IReadOnlyList<TimedSession> alongside, Action<int, int>? progress = null,
        long? batchWeightBytes = null) =>
        Times(models, timing, () => alongside, null, progress, batchWeightBytes);

    /// <summary>
    /// As <see cref="Seconds(IReadOnlyList{LoadedModel}, TimingOptions, Action{int, int}?)"/>, with sessions the caller opens for each batch (<paramref name="openAlongside"/>, such as a
    /// host probe's) timed in the same rounds as that batch's models, spread among them in each round (<see cref="Spread"/>), and handed their times
    /// (<paramref name="alongsideTimed"/>) when the batch is done.
    /// </summary>
    /// <param name="progress">Called with (timed runs of the models done, in all) as rounds finish; null for none.</param>
    /// <param name="batchWeightBytes">Weights a batch may hold at most (a model over it is a batch of its own); null: <see cref="BatchWeightBytes"/>.</param>
    public static TimedBatches Times(IReadOnlyList<LoadedModel> models, TimingOptions timing, Func<IReadOnlyList<TimedSession>> openAlongside,
        Action<double[][]>? alongsideTimed, Action<int, int>? progress = null, long? batchWeightBytes = null)
    {
        var limit = batchWeightBytes ?? BatchWeightBytes;
        timing = timing.Validated();
        var seconds = new double[models.Count];
        var batchOf = new int[models.Count];
        var alongsideTimes = new List<double[][]>();
        var total = models.Count * timing.Runs;
        var start = 0;
        while (start < models.Count)
        {
            var end = start;
            long weights = 0;
            do
            {
                weights += WeightBytes(models[end].Model);
                end++;
            } while (end < models.Count && weights + WeightBytes(models[end].Model) <= limit);

            var sessions = new List<TimedSession>();
            try
            {
                for (var i = start; i < end; i++) sessions.Add(new TimedSession(models[i], timing));
                var before = start * timing.Runs;
                var count = sessions.Count;
                var alongside = openAlongside();
                var times = Rounds([.. sessions, .. alongside], timing, r => progress?.Invoke(before + r * count, total), Spread(sessions.Count, alongside.Count));
                for (var i = 0; i < sessions.Count; i++)
                {
                    seconds[start + i] = Statistics.TypicalSeconds(times[i]);
                    batchOf[start + i] = alongsideTimes.Count;
                }
                alongsideTimes.Add(times[sessions.Count..]);
                alongsideTimed?.Invoke(times[sessions.Count..]);
            }
            finally
            {
                foreach (var s in sessions) s.Dispose();
            }
            start = end;
        }
        return new TimedBatches(seconds, batchOf, alongsideTimes);
    }

    /// <summary>Warm-up per session, then <see cref="TimingOptions.Runs"/> rounds of (untimed, timed) runs of each: [session][run] seconds.</summary>
    /// <param name="round">Called with the number of rounds done after each; null for none.</param>
    /// <param name="order">The order the sessions run in within each round (a permutation of their indices); null: as given.</param>
    public static double[][] Rounds(IReadOnlyList<TimedSession> sessions, TimingOptions timing, Action<int>? round = null, IReadOnlyList<int>? order = null)
    {
        order ??= Enumerable.Range(0, sessions.Count).ToList();
        if (order.Count != sessions.Count || order.Distinct().Count() != sessions.Count || order.Any(i => i < 0 || i >= sessions.Count))
        {
            throw new ArgumentException($"not an order of {sessions.Count} sessions", nameof(order));
        }
        foreach (var s in sessions)
        {
            for (var w = 0; w < timing.Warmup; w++) s.RunOnce();
        }
        var times = sessions.Select(_ => new double[timing.Runs]).ToArray();
        for (var r = 0; r < timing.Runs; r++)
        {
            foreach (var i in order)
            {
                if (sessions.Count > 1) sessions[i].RunOnce(); // re-warm after the other models ran
                times[i][r] = sessions[i].RunOnce();
            }
            round?.Invoke(r + 1);
        }
        return times;
    }

    /// <summary>
    /// An order for <paramref name="first"/> sessions followed by <paramref name="second"/> others (the parts, then the probe
    /// timed alongside them) that spreads the second group evenly among the first, each group in its own order: the probe's
    /// runs and the parts' then share the same stretches of each round, so a host whose speed moves within a round (a
    /// virtual machine's neighbours, a clock that follows heat) moves both alike, where parts first, then the probe, set
    /// the one half of a round against the other.
    /// </summary>
    public static IReadOnlyList<int> Spread(int first, int second)
    {
        var order = new List<int>(first + second);
        var taken = 0;
        for (var i = 0; i < first; i++)
        {
            order.Add(i);
            // After the (i+1)-th of the first group, the second group's share so far: ⌊(i+1)·second/first⌋.
            var due = (int)((long)(i + 1) * second / first);
            for (; taken < due; taken++) order.Add(first + taken);
        }
        for (; taken < second; taken++) order.Add(first + taken);
        return order;
    }

    /// <summary>Bytes of a model's initializers (by type and shape, so weights kept in external files count too).</summary>
    public static long WeightBytes(ModelProto model) =>
        model.Graph?.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * Math.Max(d, 0)) * Math.Max(ElementType.SizeOf(t.DataType), 1)) ?? 0;
}

/// <summary>
/// What <see cref="TimedBatch.Times"/> measured: each model's typical seconds and the batch it was timed in, and for
/// each batch the timed runs of the sessions timed alongside it ([batch][session][run]).
/// </summary>
public sealed record TimedBatches(double[] Seconds, int[] Batch, IReadOnlyList<double[][]> Alongside)
{
    public int Batches => Alongside.Count;
}
