using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Schema;

/// <summary>The one place the schema tests spell the JSON flag: each invocation here prints its JSON document to stdout.</summary>
public static class JsonCli
{
    public static CliRun Run(params string[] args) => CliRun.Of([.. args, "--json", "-"]);
}
