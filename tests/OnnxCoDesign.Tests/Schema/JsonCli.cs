using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Schema;

/// <summary>
/// The one place the schema tests spell a command's JSON flag: each invocation here prints its JSON document
/// to stdout. analyze, simulate and verify take `--json FILE|-`; the others a bare `--json` switch.
/// </summary>
public static class JsonCli
{
    private static readonly HashSet<string> TakesTarget = ["analyze", "simulate", "verify"];

    public static CliRun Run(params string[] args) =>
        CliRun.Of(TakesTarget.Contains(args[0]) ? [.. args, "--json", "-"] : [.. args, "--json"]);
}
