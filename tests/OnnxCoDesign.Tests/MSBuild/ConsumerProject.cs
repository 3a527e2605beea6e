namespace OnnxCoDesign.Tests.MSBuild;

/// <summary>
/// A user's project: a minimal net10.0 class library that references OnnxCoDesign.MSBuild from the test feed and lists
/// one model as an OnnxModel item, as the README shows it.
/// </summary>
public sealed class ConsumerProject
{
    private readonly PackagedFeed _feed;

    public ConsumerProject(PackagedFeed feed, string folderName, string modelPath, string metadata = "")
    {
        _feed = feed;
        Folder = feed.NewFolder(folderName);
        ModelPath = Path.Combine(Folder, modelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(ModelPath)!);
        File.WriteAllText(Path.Combine(Folder, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackagedFeed.MSBuildPackageId}" Version="{feed.Version}" />
                <OnnxModel Include="{modelPath}" {metadata} />
              </ItemGroup>
            </Project>
            """);
    }

    public string Folder { get; }

    public string ModelPath { get; }

    private string ModelName => Path.GetFileNameWithoutExtension(ModelPath);

    /// <summary>The default OutputDir: obj/CONFIGURATION/codesign/MODEL/, shared by every target framework.</summary>
    public string OutputDir => Path.Combine(Folder, "obj", "Debug", "codesign", ModelName);

    /// <summary>Where the build copies the outputs: $(OutDir)codesign/MODEL/.</summary>
    public string CopiedDir => Path.Combine(Folder, "bin", "Debug", "net10.0", "codesign", ModelName);

    public string StampDir => Path.Combine(Folder, "obj", "Debug", "codesign");

    public DotNetResult Build(params string[] options) => _feed.DotNet(Folder, ["build", "-nodeReuse:false", .. options]);

    public DotNetResult Clean() => _feed.DotNet(Folder, "clean", "-nodeReuse:false");

    public static IReadOnlyList<string> FileNames(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>Every output and every copy with its last write time, to tell a skipped compile from a repeated one.</summary>
    public IReadOnlyDictionary<string, DateTime> Snapshot() =>
        new[] { OutputDir, CopiedDir }
            .Where(Directory.Exists)
            .SelectMany(Directory.GetFiles)
            .ToDictionary(f => Path.GetRelativePath(Folder, f), File.GetLastWriteTimeUtc);
}
