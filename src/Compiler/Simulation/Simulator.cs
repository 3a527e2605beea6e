namespace OnnxCoDesign.Compiler.Simulation;

/// <summary>One plan's results at every rate asked for.</summary>
public sealed record PlanResults(SimulatedPlan Plan, IReadOnlyList<RateResult> Rates);

/// <summary>
/// Runs every plan at every rate, telling <c>progress</c> (label, done, total) before each run. The same seed
/// drives every run, so at a given rate all plans see the very same requests (common random numbers: their differences are the plans', not the draw's), and the arrival
/// times at one rate are those at another scaled by the ratio of the rates.
/// </summary>
public static class Simulator
{
    public static IReadOnlyList<PlanResults> Run(IReadOnlyList<SimulatedPlan> plans, IReadOnlyList<double> rates, int requests, ulong seed, Action<string, int, int>? progress = null)
    {
        var arrivals = rates.Select(r => Arrivals.Exponential(r, requests, seed)).ToList();
        var total = plans.Count * rates.Count;
        var done = 0;
        var results = new List<PlanResults>();
        foreach (var plan in plans)
        {
            var perRate = new List<RateResult>();
            for (var i = 0; i < rates.Count; i++)
            {
                progress?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"simulate {plan.Name} at {rates[i]}/s"), done, total);
                perRate.Add(RateResult.Of(plan, rates[i], PipelineSimulator.Run(plan.Stations, arrivals[i])));
                done++;
            }
            results.Add(new PlanResults(plan, perRate));
        }
        progress?.Invoke("simulate", done, total);
        return results;
    }
}
