namespace OnnxCoDesign.Tests.Support;

/// <summary>Finds the repository from the test binaries, so golden files are read from the source tree.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Golden => Path.Combine(Root, "tests", "golden");

    /// <summary>plan.json's JSON Schema as the packages ship it.</summary>
    public static string PlanSchema => Path.Combine(Root, "src", "Compiler", "Schemas", "plan.schema.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OnnxCoDesign.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("OnnxCoDesign.sln not found above " + AppContext.BaseDirectory);
    }
}
