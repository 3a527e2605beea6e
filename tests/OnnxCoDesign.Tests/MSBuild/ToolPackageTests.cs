using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.MSBuild;

/// <summary>
/// The packages as `dotnet pack` makes them: what each holds, that the tool installs from a feed both ways
/// (`--tool-path` and a local tool manifest), picks this machine's platform package and runs, and that the repository
/// packs nothing else. The tool is one pointer package (OnnxCoDesign.Tool) and one package per platform
/// (OnnxCoDesign.Tool.RID: linux-x64 a Native AOT executable, linux-arm64 ReadyToRun), with OnnxCoDesign.Tool.any,
/// framework-dependent IL, for every other platform.
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

        // The pointer package names one package per platform: the one for this machine is installed beside it.
        var store = Path.Combine(tools, ".store", PackagedFeed.ToolPackageId.ToLowerInvariant(), feed.Version);
        Assert.Equal([PackagedFeed.ToolPackageId.ToLowerInvariant(), RidPackageId(ThisMachinesToolRid).ToLowerInvariant()],
            Directory.GetDirectories(store).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal));
        var package = Path.Combine(store, RidPackageId(ThisMachinesToolRid).ToLowerInvariant(), feed.Version, "tools");
        if (ThisMachinesToolRid == NativeAotRid)
        {
            // The command is the executable itself: no dotnet-codesign-compile.dll, no runtime.
            var installed = Path.Combine(package, "any", NativeAotRid, "dotnet-codesign-compile");
            using (var executable = File.OpenRead(installed)) Assert.True(IsElf(executable), $"{installed} is not a native executable");
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(installed)!, "*.dll"));
        }
        else
        {
            using var dll = File.OpenRead(Path.Combine(package, "net10.0", ThisMachinesToolRid, "dotnet-codesign-compile.dll"));
            Assert.Equal(ThisMachinesToolRid != "any", IsReadyToRun(dll));
        }

        var shim = Path.Combine(tools, OperatingSystem.IsWindows() ? "dotnet-codesign-compile.exe" : "dotnet-codesign-compile");
        var help = DotNetCli.Start(shim, folder, new Dictionary<string, string> { ["DOTNET_ROOT"] = DotNetRoot() }, DotNetCli.DefaultTimeout, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("compile", help.Output);

        // The sample zoo is a project of its own (src/Samples): the tool must carry it.
        var samples = DotNetCli.Start(shim, folder, new Dictionary<string, string> { ["DOTNET_ROOT"] = DotNetRoot() }, DotNetCli.DefaultTimeout, "sample");
        Assert.True(samples.ExitCode == 0, samples.ToString());
        Assert.Contains("repvgg-a0", samples.Output);

        // The installed tool compiles without loading ONNX Runtime, and loads it (beside it in the package) to verify.
        var compiled = RunListingModules(shim, folder, "compile", "--sample", "detector", "-o", Path.Combine(folder, "out"));
        Assert.True(File.Exists(Path.Combine(folder, "out", "plan.json")));
        Assert.True(File.Exists(Path.Combine(folder, "out", "part1.onnx")));
        Assert.DoesNotContain(compiled, line => line.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase));
        var verified = RunListingModules(shim, folder, "compile", "--sample", "detector", "-o", Path.Combine(folder, "verified"), "--verify", "--inputs", "1");
        if (OperatingSystem.IsLinux()) Assert.Contains("native libonnxruntime.so", verified);
        if (ThisMachinesToolRid == NativeAotRid) Assert.Contains("executable dotnet-codesign-compile", compiled);
    }

    /// <summary>Runs the installed tool with CODESIGN_LOADED_MODULES set; returns the modules it lists at exit.</summary>
    private static string[] RunListingModules(string shim, string folder, params string[] args)
    {
        var list = Path.Combine(folder, $"loaded-{Guid.NewGuid():N}.txt");
        var environment = new Dictionary<string, string> { ["DOTNET_ROOT"] = DotNetRoot(), ["CODESIGN_LOADED_MODULES"] = list };
        var run = DotNetCli.Start(shim, folder, environment, DotNetCli.DefaultTimeout, args);
        Assert.True(run.ExitCode == 0, run.ToString());
        return File.ReadAllLines(list);
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

    /// <summary>plan.json's JSON Schema, shipped beside the compiler in every package that carries it.</summary>
    private const string PlanSchemaEntry = "tools/net10.0/any/Schemas/plan.schema.json";

    /// <summary>
    /// The platforms with a ReadyToRun package of their own (Jetsons are linux-arm64). NativeAOT cannot compile for
    /// another architecture without its sysroot and linker, so linux-arm64 is not Native AOT (the pack runs on x64).
    /// </summary>
    private static readonly string[] ReadyToRunPlatforms = ["linux-arm64"];

    /// <summary>The platform whose package is a Native AOT executable.</summary>
    private const string NativeAotRid = "linux-x64";

    public static TheoryData<string> ReadyToRunRids
    {
        get
        {
            var rows = new TheoryData<string>();
            foreach (var rid in ReadyToRunPlatforms) rows.Add(rid);
            return rows;
        }
    }

    /// <summary>The platform package `dotnet tool install` picks here: this machine's RID if it has one, else any.</summary>
    private static string ThisMachinesToolRid =>
        ReadyToRunPlatforms.Append(NativeAotRid).FirstOrDefault(rid => rid == RuntimeInformation.RuntimeIdentifier) ?? "any";

    private static string RidPackageId(string rid) => $"{PackagedFeed.ToolPackageId}.{rid}";

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
        // The outer build of a multi-targeted project compiles, once for every framework.
        Assert.Contains("buildMultiTargeting/OnnxCoDesign.MSBuild.props", entries);
        Assert.Contains("buildMultiTargeting/OnnxCoDesign.MSBuild.targets", entries);
        // Native libraries for the machines a build runs on, and no others.
        var rids = entries.Where(e => e.StartsWith("tools/net10.0/any/runtimes/", StringComparison.Ordinal))
            .Select(e => e.Split('/')[4]).ToHashSet();
        Assert.Subset(new HashSet<string> { "linux-x64", "linux-arm64", "osx", "osx-arm64", "win-x64", "win-arm64" }, rids);
        Assert.Contains("linux-arm64", rids);
        // MSBuild's process loads only the task: no protobuf, OnnxSharp or ONNX Runtime beside it.
        Assert.Equal(["tasks/netstandard2.0/OnnxCoDesign.MSBuild.Tasks.dll"], entries.Where(e => e.StartsWith("tasks/", StringComparison.Ordinal)));
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));

        var metadata = Nuspec(package);
        AssertHasItsReadme(package, metadata);
        Assert.Equal("true", Element(metadata, "developmentDependency")?.Value);
        Assert.Null(Element(metadata, "dependencies"));
        using var version = new StreamReader(package.GetEntry("build/OnnxCoDesign.MSBuild.Version.props")!.Open());
        Assert.Contains($"<OnnxCoDesignCompilerVersion>{feed.Version}</OnnxCoDesignCompilerVersion>", version.ReadToEnd());
    }

    [Fact]
    public void Tool_package_is_a_dotnet_tool_that_points_at_one_package_per_platform()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(PackagedFeed.ToolPackageId));

        var settings = Settings(package, "tools/any/any/DotnetToolSettings.xml");
        Assert.Equal("dotnet-codesign-compile", settings.Descendants("Command").Single().Attribute("Name")?.Value);
        var pointers = settings.Descendants("RuntimeIdentifierPackage").Select(p => (p.Attribute("RuntimeIdentifier")?.Value, p.Attribute("Id")?.Value));
        Assert.Equal([("linux-x64", RidPackageId("linux-x64")), ("linux-arm64", RidPackageId("linux-arm64")), ("any", RidPackageId("any"))], pointers);
        // A pointer only: the compiler is in the platform packages.
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));
        Assert.Equal("DotnetTool", PackageType(package));
        AssertHasItsReadme(package, Nuspec(package));
    }

    /// <summary>The package page's text: the nuspec names README.md, and the package carries it; and its licence, the repository's LICENSE.</summary>
    private static void AssertHasItsReadme(ZipArchive package, XElement metadata)
    {
        Assert.Equal("README.md", Element(metadata, "readme")?.Value);
        var license = Element(metadata, "license");
        Assert.Equal(("expression", "MIT"), (license?.Attribute("type")?.Value, license?.Value));
        Assert.StartsWith("MIT License", File.ReadAllText(Path.Combine(RepoPaths.Root, "LICENSE")), StringComparison.Ordinal);
        using var reader = new StreamReader(package.GetEntry("README.md")!.Open());
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "build", "package", "README.md")), reader.ReadToEnd());
    }

    [Theory]
    [MemberData(nameof(ReadyToRunRids))]
    public void Platform_package_carries_ReadyToRun_code_and_only_its_platforms_ONNX_Runtime(string rid)
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(RidPackageId(rid)));
        var root = $"tools/net10.0/{rid}/";

        AssertRunsWithDotnet(package, root);
        AssertCarriesThePlanSchema(package, root);
        foreach (var assembly in new[] { "dotnet-codesign-compile.dll", "OnnxCoDesign.Passes.dll", "OnnxCoDesign.Samples.dll" })
        {
            using var copy = Copy(package.GetEntry(root + assembly) ?? throw new InvalidOperationException($"{rid} lacks {assembly}"));
            Assert.True(IsReadyToRun(copy), $"{rid}'s {assembly} carries no ReadyToRun code");
        }
        // Native libraries sit beside the tool, for this platform alone: no other platform's, no Windows DLLs.
        Assert.NotNull(package.GetEntry(root + "libonnxruntime.so"));
        Assert.DoesNotContain(package.Entries, e => e.FullName.StartsWith(root + "runtimes/", StringComparison.Ordinal));
        Assert.DoesNotContain(package.Entries, e => e.FullName.StartsWith(root + "onnxruntime", StringComparison.Ordinal));
        Assert.Equal("DotnetToolRidPackage", PackageType(package));
    }

    [Fact]
    public void Linux_x64_package_is_one_native_executable_beside_its_native_libraries()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(RidPackageId(NativeAotRid)));
        // Self-contained: the SDK files it under tools/any/RID, not under the target framework.
        const string root = $"tools/any/{NativeAotRid}/";

        var command = Settings(package, root + "DotnetToolSettings.xml").Descendants("Command").Single();
        Assert.Equal("dotnet-codesign-compile", command.Attribute("Name")?.Value);
        Assert.Equal("dotnet-codesign-compile", command.Attribute("EntryPoint")?.Value);
        Assert.Equal("executable", command.Attribute("Runner")?.Value);
        using (var executable = Copy(package.GetEntry(root + "dotnet-codesign-compile") ?? throw new InvalidOperationException("no executable")))
        {
            Assert.True(IsElf(executable), "the entry point is not a native executable");
        }
        AssertCarriesThePlanSchema(package, root);
        Assert.NotNull(package.GetEntry(root + "libonnxruntime.so"));
        Assert.NotNull(package.GetEntry(root + "libSkiaSharp.so"));
        // No IL, no runtime, no symbols: the executable is the compiler.
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal)
            || e.FullName.EndsWith(".pdb", StringComparison.Ordinal) || e.FullName.EndsWith(".dbg", StringComparison.Ordinal)
            || e.FullName.EndsWith(".runtimeconfig.json", StringComparison.Ordinal));
        Assert.DoesNotContain(package.Entries, e => e.FullName.StartsWith(root + "runtimes/", StringComparison.Ordinal));
        Assert.Equal("DotnetToolRidPackage", PackageType(package));
    }

    /// <summary>Whether a file starts with the ELF magic (0x7F 'E' 'L' 'F').</summary>
    private static bool IsElf(Stream file)
    {
        Span<byte> magic = stackalloc byte[4];
        return file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual((ReadOnlySpan<byte>)[0x7F, (byte)'E', (byte)'L', (byte)'F']);
    }

    [Fact]
    public void Any_package_is_the_framework_dependent_IL_build_for_every_other_platform()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(RidPackageId("any")));
        const string root = "tools/net10.0/any/";

        AssertRunsWithDotnet(package, root);
        AssertCarriesThePlanSchema(package, root);
        using (var copy = Copy(package.GetEntry(root + "dotnet-codesign-compile.dll")!))
        {
            Assert.False(IsReadyToRun(copy));
        }
        Assert.NotNull(package.GetEntry(root + "runtimes/linux-x64/native/libonnxruntime.so"));
        Assert.NotNull(package.GetEntry(root + "runtimes/osx-arm64/native/libonnxruntime.dylib"));
        Assert.NotNull(package.GetEntry(root + "runtimes/win-x64/native/onnxruntime.dll"));
        // Symbols of native libraries (SkiaSharp's Windows PDBs, ~290 MB) are never shipped.
        Assert.DoesNotContain(package.Entries, e => e.FullName.StartsWith(root + "runtimes/", StringComparison.Ordinal) && e.FullName.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.Equal("DotnetToolRidPackage", PackageType(package));
    }

    private static void AssertRunsWithDotnet(ZipArchive package, string root)
    {
        var command = Settings(package, root + "DotnetToolSettings.xml").Descendants("Command").Single();
        Assert.Equal("dotnet-codesign-compile", command.Attribute("Name")?.Value);
        Assert.Equal("dotnet-codesign-compile.dll", command.Attribute("EntryPoint")?.Value);
        Assert.Equal("dotnet", command.Attribute("Runner")?.Value);
    }

    private static void AssertCarriesThePlanSchema(ZipArchive package, string root)
    {
        var schema = package.GetEntry(root + "Schemas/plan.schema.json");
        Assert.NotNull(schema);
        using var reader = new StreamReader(schema.Open());
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Compiler", "Schemas", "plan.schema.json")), reader.ReadToEnd());
    }

    private static XDocument Settings(ZipArchive package, string entry)
    {
        using var stream = (package.GetEntry(entry) ?? throw new InvalidOperationException($"no {entry}")).Open();
        return XDocument.Load(stream);
    }

    private static string? PackageType(ZipArchive package) => Element(Nuspec(package), "packageTypes")?.Elements().Single().Attribute("name")?.Value;

    private static MemoryStream Copy(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }

    /// <summary>Whether a managed PE carries precompiled (ReadyToRun) code: its CLI header points at a ReadyToRun header.</summary>
    private static bool IsReadyToRun(Stream dll)
    {
        using var pe = new PEReader(dll, PEStreamOptions.LeaveOpen);
        return pe.PEHeaders.CorHeader is { } cor && cor.ManagedNativeHeaderDirectory.Size > 0;
    }

    [Fact]
    public void Packing_the_repository_root_makes_exactly_the_tool_its_platform_packages_and_the_MSBuild_package()
    {
        var packages = Directory.GetFiles(feed.Feed).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

        Assert.Equal([
            $"{PackagedFeed.MSBuildPackageId}.{feed.Version}.nupkg",
            $"{PackagedFeed.ToolPackageId}.{feed.Version}.nupkg",
            $"{RidPackageId("any")}.{feed.Version}.nupkg",
            $"{RidPackageId("linux-arm64")}.{feed.Version}.nupkg",
            $"{RidPackageId("linux-x64")}.{feed.Version}.nupkg",
        ], packages);
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
