using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>
/// The plan's measured accuracy, and with --max-accuracy-drop the choice itself: the fastest plan on the Pareto
/// front whose predicted cost is within the budget is measured whole; if the measurement exceeds the budget (the
/// table's sum ignores interactions between units), the next fastest is measured, up to
/// <see cref="MaxAttempts"/> plans, ending with the front's most accurate one. None within the budget is an error
/// (OCD1855) listing what was measured, rather than a plan that breaks the user's constraint.
/// </summary>
public static class AccuracyChoice
{
    public const int MaxAttempts = 6;

    public static (PlanSearchResult Search, AccuracyResult Accuracy) Choose(PlanSearchResult search, StageCosts costs, PlanningModel planning,
        LoadedModel source, PlannerSettings settings, AccuracyInputs data, SensitivityTable? table)
    {
        var metric = data.Scoring!.HasLabels ? AccuracyMetric.Top1Drop : AccuracyMetric.OutputDeviation;
        var objective = costs.Problem.Objective;
        var attempts = new List<PlanAttempt>();
        (double Cost, ModelScore Original, ModelScore Plan, RealizedPlan Realized) Measure(ParetoPoint point)
        {
            var m = AccuracyPlanning.MeasureChoice(point.Choice, costs, planning, source, data, metric);
            attempts.Add(new PlanAttempt(point.Choice, point.Score.Time(objective), point.Score.Accuracy, m.Cost));
            return m;
        }
        AccuracyResult Result(ParetoPoint point, (double Cost, ModelScore Original, ModelScore Plan, RealizedPlan Realized) m) => new(
            metric, m.Original.Top1, point.Score.Accuracy, m.Cost, m.Original.Samples, Precisions(m.Realized), table ?? Empty(metric),
            data.Lowering.Settings, data.Lowering.CalibrationSamples, settings.MaxAccuracyDrop, attempts)
        {
            // Measured the same way; a row whose plan was measured already (the chosen one, an attempt) is not measured again.
            Ablations = AblationAccuracy.Measure(search.Ablations, attempts, choice => AccuracyPlanning.MeasureChoice(choice, costs, planning, source, data, metric).Cost),
        };

        if (settings.MaxAccuracyDrop is not { } budget)
        {
            var chosen = new ParetoPoint(search.Chosen.Choice, search.Chosen.Score, search.Chosen.Score.Time(objective));
            return (search, Result(chosen, Measure(chosen)));
        }
        var byTime = search.Front.OrderBy(p => p.Score.Time(objective)).ThenBy(p => p.Score.Accuracy).ToList();
        var tries = byTime.Where(p => p.Score.Accuracy <= budget).Take(MaxAttempts - 1).ToList();
        var safest = search.Front.MinBy(p => p.Score.Accuracy)!;
        if (!tries.Contains(safest)) tries.Add(safest);
        foreach (var point in tries)
        {
            var m = Measure(point);
            if (m.Cost > budget) continue;
            var named = new NamedPlan("co-designed", $"the fastest plan on the Pareto front whose measured {metric.Name()} is within {budget}", point.Choice, point.Score);
            return (search with { Chosen = named }, Result(point, m));
        }
        throw new CodesignException(ErrorCodes.AccuracyBudgetUnmet,
            $"no plan measured within --max-accuracy-drop {budget} ({metric.Name()}): " +
            string.Join("; ", attempts.Select(a => $"cuts {string.Join(",", a.Choice.Cuts)} {a.Choice.StrategyNames()}: predicted {a.Predicted:0.###}, measured {a.Measured:0.###}")));
    }

    private static string Precisions(RealizedPlan plan) =>
        string.Join(",", plan.Parts.Where(p => p.Model is not null).Select(p => p.Precision.Name()));

    private static SensitivityTable Empty(AccuracyMetric metric) => new(metric, 0, 0, [], []);
}
