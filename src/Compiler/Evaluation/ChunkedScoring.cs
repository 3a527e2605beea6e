using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// Scores many variants of one model against its original in passes over the data, <see cref="SensitivityTable.ModelsPerPass"/>
/// sessions at a time (bounding the memory of open sessions): each pass builds its variants, runs them beside the
/// original in one <see cref="Evaluator.Run"/>, hands each variant's score with the original's to the caller, and
/// disposes what it built. The sensitivity tables of the units and of the wire formats both measure this way.
/// </summary>
public static class ChunkedScoring
{
    /// <returns>The original's score on the data (null when there was no job).</returns>
    public static ModelScore? Run<TJob>(OrtModel reference, IReadOnlyList<TJob> jobs, Func<TJob, LoadedModel> build, Func<TJob, string> label,
        IDataSet data, int batchSize, Action<TJob, ModelScore, ModelScore> take, OrtModelOptions? runtime = null)
    {
        ModelScore? original = null;
        foreach (var chunk in jobs.Chunk(SensitivityTable.ModelsPerPass))
        {
            var built = new List<LoadedModel>();
            var sessions = new List<OrtModel>();
            try
            {
                foreach (var job in chunk)
                {
                    built.Add(build(job));
                    sessions.Add(new OrtModel(built[^1], runtime));
                }
                var models = sessions.Select((m, i) => EvaluatedModel.Of(label(chunk[i]), m)).Prepend(EvaluatedModel.Of("original", reference)).ToList();
                var scores = Evaluator.Run(models, data, batchSize);
                original = scores[0];
                for (var i = 0; i < chunk.Length; i++) take(chunk[i], scores[0], scores[i + 1]);
            }
            finally
            {
                foreach (var s in sessions) s.Dispose();
                foreach (var b in built) b.Dispose();
            }
        }
        return original;
    }
}
