using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.MSBuild;

/// <summary>
/// The MSBuild and tool tests share one pack: they run one at a time (each starts real builds on a 2-core machine), and
/// after every other test class, not beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagedFeedCollection : ICollectionFixture<PackagedFeed>
{
    public const string Name = "MSBuild package";
}

/// <summary>
/// `dotnet pack` at the repository root, once, at a test version, into a folder feed under a temporary root: it should
/// make OnnxCoDesign.Tool and OnnxCoDesign.MSBuild and nothing else. The pack builds into its own artifacts folder (the
/// working tree's bin/ and obj/ are left alone) and restores from the machine's package cache; everything that consumes
/// the feed gets its own NUGET_PACKAGES under the root, so nothing from here reaches the machine's cache. The root is
/// deleted at the end.
/// </summary>
public sealed class PackagedFeed : IDisposable
{
    public const string ToolPackageId = "OnnxCoDesign.Tool";
    public const string MSBuildPackageId = "OnnxCoDesign.MSBuild";

    public PackagedFeed()
    {
        Version = "0.1.0-test-" + Guid.NewGuid().ToString("N")[..8];
        Root = Path.Combine(Path.GetTempPath(), "codesign-msbuild-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);
        // What a user runs at the repository root, into the feed, built apart from the working tree's bin/ and obj/.
        Pack = DotNetCli.Start("dotnet", RepoPaths.Root, null, PackTimeout, "pack", "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"),
            "-p:Version=" + Version, "-nodeReuse:false");
        if (Pack.ExitCode != 0)
        {
            Dispose();
            throw new InvalidOperationException("packing for the MSBuild tests failed: " + Pack);
        }
    }

    /// <summary>
    /// The pack builds the compiler four times (the pointer, the Native AOT linux-x64 package, the ReadyToRun linux-arm64
    /// one, the IL fallback) besides the MSBuild package: longer than one command's usual limit on a loaded 2-core machine.
    /// </summary>
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(20);

    /// <summary>The test version every package carries, e.g. 0.1.0-test-1a2b3c4d.</summary>
    public string Version { get; }

    public string Root { get; }

    public string Feed => Path.Combine(Root, "feed");

    /// <summary>NUGET_PACKAGES for everything that consumes the feed.</summary>
    public string Packages => Path.Combine(Root, "packages");

    /// <summary>The `dotnet pack` run at the repository root.</summary>
    public DotNetResult Pack { get; }

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>A new empty folder under the root, with a nuget.config that knows only the feed.</summary>
    public string NewFolder(string name)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="codesign-test-feed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        return folder;
    }

    /// <summary>`dotnet ARGS` in a folder made by <see cref="NewFolder"/>, restoring into this feed's own package folder.</summary>
    public DotNetResult DotNet(string folder, params string[] args) =>
        DotNetCli.Run(folder, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages }, args);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
