using Onnx;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Measurement;

/// <summary>
/// Times several models in interleaved rounds rather than one after another: after each model's warm-up,
/// every round runs each model once untimed and once timed, and each model keeps the median of its timed
/// runs. Other work on the machine (these hosts are shared) then slows every model's runs a little instead
/// of all the runs of a few models, and the median drops it; the untimed run just before each timed one
/// leaves the caches as that model's own previous run would, as on a device that runs only it.
/// Each session has its own intra-op thread pool; <see cref="TimedSession"/> turns their spinning off so
/// that the pools of the models not running cannot compete with the one that is.
/// Models are loaded in batches of at most <see cref="BatchWeightBytes"/> of weights, so a sweep of a large
/// model does not hold every part's session at once.
/// </summary>
public static class TimedBatch
{
    public const long BatchWeightBytes = 768L << 20;

    /// <param name="progress">Called with (timed runs done, timed runs in all) as rounds finish; null for none.</param>
    /// <returns>The median seconds of each model, in the order given.</returns>
    public static double[] Medians(IReadOnlyList<LoadedModel> models, TimingOptions timing, Action<int, int>? progress = null)
    {
        timing = timing.Validated();
        var medians = new double[models.Count];
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
            } while (end < models.Count && weights + WeightBytes(models[end].Model) <= BatchWeightBytes);

            var sessions = new List<TimedSession>();
            try
            {
                for (var i = start; i < end; i++) sessions.Add(new TimedSession(models[i], timing));
                var before = start * timing.Runs;
                var count = sessions.Count;
                var times = Rounds(sessions, timing, r => progress?.Invoke(before + r * count, total));
                for (var i = 0; i < sessions.Count; i++) medians[start + i] = Statistics.Median(times[i]);
            }
            finally
            {
                foreach (var s in sessions) s.Dispose();
            }
            start = end;
        }
        return medians;
    }

    /// <summary>Warm-up per session, then <see cref="TimingOptions.Runs"/> rounds of (untimed, timed) runs of each: [session][run] seconds.</summary>
    /// <param name="round">Called with the number of rounds done after each; null for none.</param>
    public static double[][] Rounds(IReadOnlyList<TimedSession> sessions, TimingOptions timing, Action<int>? round = null)
    {
        foreach (var s in sessions)
        {
            for (var w = 0; w < timing.Warmup; w++) s.RunOnce();
        }
        var times = sessions.Select(_ => new double[timing.Runs]).ToArray();
        for (var r = 0; r < timing.Runs; r++)
        {
            for (var i = 0; i < sessions.Count; i++)
            {
                if (sessions.Count > 1) sessions[i].RunOnce(); // re-warm after the other models ran
                times[i][r] = sessions[i].RunOnce();
            }
            round?.Invoke(r + 1);
        }
        return times;
    }

    /// <summary>Bytes of a model's initializers (by type and shape, so weights kept in external files count too).</summary>
    public static long WeightBytes(ModelProto model) =>
        model.Graph?.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * Math.Max(d, 0)) * Math.Max(ElementType.SizeOf(t.DataType), 1)) ?? 0;
}
