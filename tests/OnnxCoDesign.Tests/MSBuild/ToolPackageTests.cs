using System.IO.Compression;
using System.Xml.Linq;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.MSBuild;

/// <summary>
/// The two packages as `dotnet pack` makes them: what each holds, that the tool installs from a feed both ways
/// (`--tool-path` and a local tool manifest) and runs, and that the repository packs nothing else.
/// </summary>
[Collection(PackagedFeedCollection.Name)]
public sealed class ToolPackageTests(PackagedFeed feed)
{
    [Fact]
    public void Tool_installs_into_a_tool_path_and_runs()
    {
        var folder = feed.NewFolder("tool-path");
        var tools = Path.Combine(folder, "tools");

        var install = feed.DotNet(folder, "tool", "install", PackagedFeed.ToolPackageId, "--version", feed.Version, "--tool-path", tools);
        Assert.True(install.ExitCode == 0, install.ToString());

        var shim = Path.Combine(tools, OperatingSystem.IsWindows() ? "dotnet-codesign-compile.exe" : "dotnet-codesign-compile");
        var help = DotNetCli.Start(shim, folder, new Dictionary<string, string> { ["DOTNET_ROOT"] = DotNetRoot() }, DotNetCli.DefaultTimeout, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("compile", help.Output);

        // The sample zoo is a project of its own (src/Samples): the tool must carry it.
        var samples = DotNetCli.Start(shim, folder, new Dictionary<string, string> { ["DOTNET_ROOT"] = DotNetRoot() }, DotNetCli.DefaultTimeout, "sample");
        Assert.True(samples.ExitCode == 0, samples.ToString());
        Assert.Contains("repvgg-a0", samples.Output);
    }

    [Fact]
    public void Tool_runs_as_dotnet_codesign_compile_through_a_local_tool_manifest()
    {
        var folder = feed.NewFolder("local-tool");

        var manifest = feed.DotNet(folder, "new", "tool-manifest");
        Assert.True(manifest.ExitCode == 0, manifest.ToString());
        var install = feed.DotNet(folder, "tool", "install", "--local", PackagedFeed.ToolPackageId, "--version", feed.Version);
        Assert.True(install.ExitCode == 0, install.ToString());

        var help = feed.DotNet(folder, "codesign-compile", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("compile", help.Output);
    }

    /// <summary>plan.json's JSON Schema, shipped beside the compiler in both packages.</summary>
    private const string PlanSchemaEntry = "tools/net10.0/any/Schemas/plan.schema.json";

    [Fact]
    public void MSBuild_package_carries_the_task_the_build_assets_and_the_compiler_and_depends_on_nothing()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(PackagedFeed.MSBuildPackageId));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("build/OnnxCoDesign.MSBuild.props", entries);
        Assert.Contains("build/OnnxCoDesign.MSBuild.targets", entries);
        Assert.Contains("build/OnnxCoDesign.MSBuild.Version.props", entries);
        Assert.Contains("tools/net10.0/any/dotnet-codesign-compile.dll", entries);
        Assert.Contains("tools/net10.0/any/dotnet-codesign-compile.runtimeconfig.json", entries);
        Assert.Contains("tools/net10.0/any/OnnxCoDesign.Passes.dll", entries);
        Assert.Contains("tools/net10.0/any/OnnxCoDesign.Samples.dll", entries);
        Assert.Contains("tools/net10.0/any/runtimes/linux-x64/native/libonnxruntime.so", entries);
        Assert.Contains(PlanSchemaEntry, entries);
        // MSBuild's process loads only the task: no protobuf, OnnxSharp or ONNX Runtime beside it.
        Assert.Equal(["tasks/netstandard2.0/OnnxCoDesign.MSBuild.Tasks.dll"], entries.Where(e => e.StartsWith("tasks/", StringComparison.Ordinal)));
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));

        var metadata = Nuspec(package);
        Assert.Equal("true", Element(metadata, "developmentDependency")?.Value);
        Assert.Null(Element(metadata, "dependencies"));
        using var version = new StreamReader(package.GetEntry("build/OnnxCoDesign.MSBuild.Version.props")!.Open());
        Assert.Contains($"<OnnxCoDesignCompilerVersion>{feed.Version}</OnnxCoDesignCompilerVersion>", version.ReadToEnd());
    }

    [Fact]
    public void Tool_package_is_a_dotnet_tool_named_dotnet_codesign_compile()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(PackagedFeed.ToolPackageId));

        var schema = package.GetEntry(PlanSchemaEntry);
        Assert.NotNull(schema);
        using (var reader = new StreamReader(schema.Open()))
        {
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Compiler", "Schemas", "plan.schema.json")), reader.ReadToEnd());
        }

        var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml");
        Assert.NotNull(settings);
        using (var stream = settings.Open())
        {
            var command = XDocument.Load(stream).Descendants("Command").Single();
            Assert.Equal("dotnet-codesign-compile", command.Attribute("Name")?.Value);
            Assert.Equal("dotnet-codesign-compile.dll", command.Attribute("EntryPoint")?.Value);
        }
        var packageType = Element(Nuspec(package), "packageTypes")?.Elements().Single().Attribute("name")?.Value;
        Assert.Equal("DotnetTool", packageType);
    }

    [Fact]
    public void Packing_the_repository_root_makes_exactly_the_tool_and_the_MSBuild_package()
    {
        var packages = Directory.GetFiles(feed.Feed).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

        Assert.Equal([$"{PackagedFeed.MSBuildPackageId}.{feed.Version}.nupkg", $"{PackagedFeed.ToolPackageId}.{feed.Version}.nupkg"], packages);
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement? Element(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    /// <summary>The folder of the `dotnet` on PATH, for the tool's apphost (it looks for the runtime through DOTNET_ROOT).</summary>
    private static string DotNetRoot()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("dotnet is not on PATH");
        var resolved = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
        return Path.GetDirectoryName(resolved)!;
    }
}
