using OnnxCoDesign.Compiler.Calibration;
using OnnxCoDesign.Compiler.Evaluation;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>plan.json's `accuracy`: the accuracy model, the predicted cost of the chosen plan, and with data what it measured.</summary>
public static class PlanAccuracyJson
{
    /// <summary>The metric of the predicted cost without data.</summary>
    public const string PriorMetric = "prior (branches fused away, weighted by the part's FLOPs share)";

    public const string WeightRoundingMetric = "weight-rounding deviation (relative L2, 4 random inputs)";

    public static PlanAccuracy Document(CompileOutcome o)
    {
        var model = o.Settings.Accuracy.ToString().ToLowerInvariant();
        var predicted = CodesignJson.Real(o.Search.Chosen.Score.Accuracy, 6);
        if (o.Accuracy is not { } a)
        {
            return new PlanAccuracy
            {
                Model = model,
                Metric = o.Settings.Accuracy == AccuracyModel.Prior ? PriorMetric : WeightRoundingMetric,
                Predicted = predicted,
            };
        }
        var measuredTable = a.Table.Precisions.Count > 0;
        return new PlanAccuracy
        {
            Model = model,
            // Predicted by a measured table is in the measured metric; the prior's is in its own units.
            Metric = measuredTable ? a.Metric.Name() : $"predicted: {PriorMetric}; measured: {a.Metric.Name()}",
            Original = CodesignJson.Real(a.Original),
            Predicted = predicted,
            Measured = CodesignJson.Real(a.Measured),
            Samples = a.Samples,
            Precision = a.Precision,
            Budget = a.Budget,
            Calibration = a.Calibration is { } c && a.CalibrationSamples > 0
                ? new PlanCalibration
                {
                    Method = CalibrationMethodNames.Name(c.Method),
                    Percentile = c.Method == CalibrationMethod.Percentile ? c.Percentile : null,
                    Samples = a.CalibrationSamples,
                }
                : null,
            Sensitivity = measuredTable ? Sensitivity(a.Table, o.Planning) : null,
            WireSensitivity = o.WireTable is { } w ? WireRows(w, o.Planning) : null,
            Attempts = a.Attempts.Count > 1 || a.Budget is not null
                ? a.Attempts.Select(t => new PlanAccuracyAttempt
                {
                    Cuts = t.Choice.Cuts.ToList(),
                    Strategies = t.Choice.Strategies.Select(x => x.ToString()).ToList(),
                    TimeMs = CodesignJson.Real(t.Time * 1e3),
                    Predicted = CodesignJson.Real(t.Predicted, 6),
                    Measured = CodesignJson.Real(t.Measured, 6),
                }).ToList()
                : null,
        };
    }

    /// <summary>Rows of cuts whose tensors cost something through a lossy format.</summary>
    private static List<PlanWireSensitivity> WireRows(WireSensitivity table, PlanningModel planning)
    {
        var rows = new List<PlanWireSensitivity>();
        foreach (var w in table.Formats)
        {
            for (var b = 0; b < planning.Units.Count - 1; b++)
            {
                var cost = table.Drop[(int)w][b + 1];
                if (cost == 0) continue;
                rows.Add(new PlanWireSensitivity { After = planning.Units[b].Name, Format = w.Name(), Cost = CodesignJson.Real(cost, 4) });
            }
        }
        return rows;
    }

    /// <summary>Rows of units that cost something at some precision (fp32 rows are zero by construction and left out).</summary>
    private static List<PlanSensitivity> Sensitivity(SensitivityTable table, PlanningModel planning)
    {
        var rows = new List<PlanSensitivity>();
        foreach (var precision in table.Precisions.Where(p => p != TargetPrecision.Fp32))
        {
            for (var u = 0; u < planning.Units.Count; u++)
            {
                var row = table.Row(precision, u);
                if (row.All(x => x == 0)) continue;
                rows.Add(new PlanSensitivity { Unit = planning.Units[u].Name, Precision = precision.Name(), Cost = row.Select(x => CodesignJson.Real(x, 4)).ToList() });
            }
        }
        return rows;
    }
}
