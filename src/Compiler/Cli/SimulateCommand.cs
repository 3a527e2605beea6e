using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Simulation;
using OnnxCoDesign.Passes.Loading;

namespace OnnxCoDesign.Compiler.Cli;

/// <summary>
/// `simulate PLAN --rates R1,R2,... --requests N [--seed S] [--json FILE|-]`: queues requests arriving at random
/// (Poisson, rate R per second) through the plan's parts and transfers and through each baseline's, and reports
/// throughput, response times and the bottleneck's utilisation per rate. PLAN is plan.json or the folder holding it.
/// </summary>
internal static class SimulateCommand
{
    public const int MaxRequests = 10_000_000;

    public static void Register(CommandLineApplication app, CliOutput output) => app.Command("simulate", cmd =>
    {
        cmd.Description = "Simulate requests arriving at random through a compiled plan and its baselines: throughput, response times, utilisation.";
        cmd.HelpOption("-h|--help");
        var plan = cmd.Argument("PLAN", "plan.json written by compile, or its folder");
        var rates = cmd.Option("--rates <LIST>", "arrival rates in requests per second, comma-separated (10,40,80)", CommandOptionType.SingleValue);
        var requests = cmd.Option("--requests <N>", "requests per rate", CommandOptionType.SingleValue);
        var seed = cmd.Option("--seed <S>", "seed of the arrival times (default 1)", CommandOptionType.SingleValue);
        var json = cmd.Option("--json <FILE>", "also write the results as JSON to FILE; '-' prints JSON instead of the table", CommandOptionType.SingleValue);
        cmd.OnExecute(() =>
        {
            if (string.IsNullOrEmpty(plan.Value)) throw new CommandParsingException(cmd, "simulate needs a plan.json (or the folder compile wrote)");
            if (!rates.HasValue()) throw new CommandParsingException(cmd, "simulate needs --rates R1,R2,...");
            if (!requests.HasValue()) throw new CommandParsingException(cmd, "simulate needs --requests N");
            var rateList = ParseRates(cmd, rates.Value()!);
            var count = int.TryParse(requests.Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxRequests
                ? n
                : throw new CommandParsingException(cmd, $"--requests '{requests.Value()}' is not a whole number from 1 to {MaxRequests}");
            var seedValue = !seed.HasValue() ? 1UL
                : ulong.TryParse(seed.Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var sv) ? sv
                : throw new CommandParsingException(cmd, $"--seed '{seed.Value()}' is not a non-negative whole number");

            var file = PlanFile.Read(plan.Value!);
            IReadOnlyList<PlanResults> results;
            using (var progress = Progress.For(output))
            {
                results = Simulator.Run(file.Plans, rateList, count, seedValue, (label, done, total) => progress.Report(label, done, total));
            }
            var jsonTarget = json.Value();
            if (jsonTarget is not null && jsonTarget != "-") AtomicFile.WriteText(jsonTarget, SimulationJson.Write(file, results, rateList, count, seedValue));
            if (jsonTarget == "-") output.Out.Write(SimulationJson.Write(file, results, rateList, count, seedValue));
            else SimulationText.Write(file, results, count, seedValue, output.Out);
            return ExitCodes.Success;
        });
    });

    private static List<double> ParseRates(CommandLineApplication cmd, string text)
    {
        var list = new List<double>();
        foreach (var item in text.Split(','))
        {
            if (!double.TryParse(item.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || !(r > 0) || !double.IsFinite(r))
            {
                throw new CommandParsingException(cmd, $"--rates: '{item}' is not a positive number of requests per second");
            }
            list.Add(r);
        }
        return list;
    }
}
