using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using OnnxCoDesign.Compiler.Simulation;

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
        var seed = CliConventions.Seed(cmd, "the arrival times");
        var json = CliConventions.Json(cmd, "the results");
        CliConventions.Examples(cmd, "simulate out/plan.json --rates 10,40,80 --requests 10000", "simulate out --rates 100 --requests 2000 --seed 3 --json -");
        cmd.OnExecute(() =>
        {
            if (string.IsNullOrEmpty(plan.Value)) throw new CommandParsingException(cmd, "simulate needs a plan.json (or the folder compile wrote)");
            if (!rates.HasValue()) throw new CommandParsingException(cmd, "simulate needs --rates R1,R2,...");
            if (!requests.HasValue()) throw new CommandParsingException(cmd, "simulate needs --requests N");
            var rateList = ParseRates(cmd, rates.Value()!);
            var count = int.TryParse(requests.Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxRequests
                ? n
                : throw new CommandParsingException(cmd, $"--requests '{requests.Value()}' is not a whole number from 1 to {MaxRequests}");
            var seedValue = CliConventions.ParseSeed(cmd, seed);
            CliConventions.CheckOutput(cmd, json);

            var file = PlanFile.Read(plan.Value!);
            IReadOnlyList<PlanResults> results;
            using (var progress = Progress.For(output))
            {
                results = Simulator.Run(file.Plans, rateList, count, seedValue, (label, done, total) => progress.Report(label, done, total));
            }
            if (json.HasValue()) CliConventions.WriteJson(json, SimulationJson.Write(file, results, rateList, count, seedValue), output);
            if (!CliConventions.JsonToStdout(json)) SimulationText.Write(file, results, count, seedValue, output.Out);
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
