using System.Globalization;
using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Compiler.Data;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Schema;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>evaluate's report: its JSON document, and the text form printed from that same document.</summary>
public static class EvaluateReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static EvaluateDocument Document(IDataSet data, AccuracyOptions options, IReadOnlyList<ModelScore> scores,
        IReadOnlyList<(string Role, string Precision)> roles, bool hasOriginal, double calibrationSeconds, double evaluationSeconds)
    {
        var metric = scores[0].Top1 is not null ? AccuracyMetric.Top1Drop : AccuracyMetric.OutputDeviation;
        return new EvaluateDocument
        {
            Data = data.Path,
            Labels = options.Labels ?? (data.HasLabels ? "(class sub-folders)" : null),
            Samples = scores[0].Samples,
            Metric = metric.Name(),
            ScoredOutput = scores[0].ScoredOutput,
            Models = scores.Select((s, i) => new EvaluatedDocument
            {
                Name = s.Label,
                Role = roles[i].Role,
                Precision = roles[i].Precision,
                Top1 = CodesignJson.Real(s.Top1),
                Top5 = CodesignJson.Real(s.Top5),
                Drop = hasOriginal && i > 0 ? CodesignJson.Real(AccuracyMetrics.Cost(metric, scores[0], s)) : null,
                Deviation = s.Deviations?.Select(d => new EvaluatedOutput { Name = d.Name, MaxAbs = CodesignJson.Real(d.MaxAbs, 9), RelativeL2 = CodesignJson.Real(d.RelativeL2, 9) }).ToList(),
            }).ToList(),
            Seconds = new EvaluateTimes { Calibration = Math.Round(calibrationSeconds, 3), Evaluation = Math.Round(evaluationSeconds, 3) },
        };
    }

    public static void WriteText(EvaluateDocument d, TextWriter w)
    {
        w.WriteLine(string.Create(C, $"evaluate: {d.Samples} samples of {d.Data}{(d.Labels is null ? " (no labels: output deviation from the original)" : $", labels {d.Labels}")}"));
        foreach (var m in d.Models)
        {
            var line = $"  {m.Role,-9} {m.Precision,-5} ";
            if (m.Top1 is { } t1) line += string.Create(C, $"top-1 {t1,7:F2}%  top-5 {m.Top5,7:F2}%");
            if (m.Drop is { } drop) line += string.Create(C, $"  {(d.Labels is null ? "deviation" : "drop")} {drop,7:F3}{(d.Labels is null ? "%" : " points")}");
            if (m.Deviation is { Count: > 0 } dev) line += string.Create(C, $"  output rel-L2 {dev.Max(o => o.RelativeL2 ?? double.NaN):0.000e+00}");
            w.WriteLine(line.TrimEnd());
            w.WriteLine($"            {m.Name}");
        }
        w.WriteLine(string.Create(C, $"  time: calibration {d.Seconds.Calibration:F2} s, evaluation {d.Seconds.Evaluation:F2} s"));
    }
}
