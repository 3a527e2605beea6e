using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Evaluation;

/// <summary>An ablation row's plan measured whole: its cost in the accuracy metric's units (top-1 drop or output deviation).</summary>
public sealed record AblationMeasurement(string Name, PlanChoice Choice, double Measured);

/// <summary>
/// The ablation table's measured column: each row's plan realized and measured whole, exactly as the chosen plan is
/// (<see cref="AccuracyPlanning.MeasureChoice"/>). A plan already measured (the chosen one, an attempt under
/// --max-accuracy-drop, or an earlier row with the same choice) reuses that figure: equal plans measure equal.
/// </summary>
public static class AblationAccuracy
{
    public static IReadOnlyList<AblationMeasurement> Measure(IReadOnlyList<NamedPlan> rows, IReadOnlyList<PlanAttempt> measured, Func<PlanChoice, double> measure)
    {
        // PlanChoice holds arrays (reference equality), so plans are keyed by their text: cuts, strategies, wires.
        var known = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var a in measured) known.TryAdd(Key(a.Choice), a.Measured);
        var result = new List<AblationMeasurement>(rows.Count);
        foreach (var row in rows)
        {
            var key = Key(row.Choice);
            if (!known.TryGetValue(key, out var cost))
            {
                cost = measure(row.Choice);
                known[key] = cost;
            }
            result.Add(new AblationMeasurement(row.Name, row.Choice, cost));
        }
        return result;
    }

    private static string Key(PlanChoice c) => $"{string.Join(",", c.Cuts)}|{c.StrategyNames()}|{c.WireNames()}";
}
