using System.Text.RegularExpressions;
using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Samples;

namespace OnnxCoDesign.Tests.MSBuild;

/// <summary>
/// A consumer as the issue describes it, built with real `dotnet build`: two target frameworks, two models, one whose external data has a name of its own and one whose
/// symbolic batch dimension draws a warning, and a device chain set by an ItemDefinitionGroup in Directory.Build.props.
/// The builds are few and each checks several things: they are slow on a 2-core machine.
/// The second framework is <see cref="Alias"/>, an alias of net10.0 (the SDK's target framework aliases: any name, with
/// TargetFrameworkIdentifier and TargetFrameworkVersion set for it), not net8.0: the SDK carries only net10.0's
/// reference pack, net8.0's would come from NuGet, and tests fetch nothing from the network. MSBuild runs one inner
/// build per entry of TargetFrameworks either way, each with its own obj and bin folder, which is what is tested.
/// </summary>
[Collection(PackagedFeedCollection.Name)]
public sealed class MultiTargetingTests(PackagedFeed feed)
{
    private const string Weights = "a-weights.bin";

    private const string Alias = "second";

    [Fact]
    public void Each_model_compiles_once_for_both_frameworks_again_on_a_weights_touch_reports_every_failure_and_cleans_away()
    {
        var folder = Consumer();
        var weights = Path.Combine(folder, "models", Weights);
        var shared = Path.Combine(folder, "obj", "Debug", "codesign");

        var first = Succeeds(Build(folder));
        Assert.Equal(1, Compiled(first, "a"));
        Assert.Equal(1, Compiled(first, "b"));
        // The user's ItemDefinitionGroup beats the package's default chain (jetson-nano,jetson-xavier-nx).
        var plan = File.ReadAllText(Path.Combine(shared, "a", "plan.json"));
        Assert.Contains("\"jetson-tx2\"", plan);
        Assert.DoesNotContain("\"jetson-nano\"", plan);
        // One compile, in a folder every framework shares, copied to each framework's bin.
        // The whole tree is copied: the Triton repositories' configs under triton/DEVICE/MODEL/ too.
        var tree = Directory.GetFiles(Path.Combine(shared, "b"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(shared, "b"), f)).Where(f => f != ".codesign-manifest").ToList();
        Assert.Contains(tree, f => f.StartsWith("triton/", StringComparison.Ordinal) && f.EndsWith("config.pbtxt", StringComparison.Ordinal));
        foreach (var tfm in new[] { "net10.0", Alias })
        {
            Assert.False(Directory.Exists(Path.Combine(folder, "obj", "Debug", tfm, "codesign")), $"{tfm} compiled on its own");
            foreach (var file in tree)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(shared, "b", file)), File.ReadAllBytes(Path.Combine(folder, "bin", "Debug", tfm, "codesign", "b", file)));
            }
        }
        // The compiler's warning is the build's, at the model, with its code.
        Assert.Matches(new Regex(Regex.Escape(Path.Combine(folder, "models", "b.onnx")) + " : warning OCW2001:"), first.Output);
        // The dependency file names the weights, which no metadata does.
        Assert.Contains(weights, Directory.GetFiles(shared, "a.*.deps").Select(File.ReadAllText).Single());

        var again = Succeeds(Build(folder));
        Assert.Equal(0, Compiled(again, "a"));
        Assert.Equal(0, Compiled(again, "b"));

        File.SetLastWriteTimeUtc(weights, DateTime.UtcNow);
        var touched = Succeeds(Build(folder));
        Assert.Equal(1, Compiled(touched, "a"));
        Assert.Equal(0, Compiled(touched, "b"));

        var broken = Build(folder, "-p:BreakModels=true");
        Assert.True(broken.ExitCode != 0, broken.ToString());
        // Both models are reported, each at its file, naming the item and the metadata that caused it.
        Assert.Matches(new Regex(Regex.Escape(Path.Combine(folder, "models", "a.onnx")) + " : error OCD1604: OnnxModel 'models/a.onnx', metadata Devices=\"jetson-nano\" \\(--devices\\):"), broken.Output);
        Assert.Matches(new Regex(Regex.Escape(Path.Combine(folder, "models", "b.onnx")) + " : error OCD1401: OnnxModel 'models/b.onnx', metadata Precision=\"int9\" \\(--precision\\):"), broken.Output);
        Assert.Contains("error OCD1903: 2 of 2 OnnxModel items did not compile", broken.Output);
        Assert.DoesNotContain("MSB6006", broken.Output);

        Succeeds(feed.DotNet(folder, "clean", "-nodeReuse:false"));
        Assert.Empty(Directory.GetDirectories(folder, "codesign", SearchOption.AllDirectories));
        Assert.Equal(new[] { "a.onnx", Weights, "b.onnx" }.Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(folder, "models")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    private string Consumer()
    {
        var folder = feed.NewFolder("multi-targeting");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), """
            <Project>
              <ItemDefinitionGroup>
                <OnnxModel>
                  <Devices>jetson-tx2,rtx-4090</Devices>
                </OnnxModel>
              </ItemDefinitionGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFrameworks>net10.0;{Alias}</TargetFrameworks>
              </PropertyGroup>
              <PropertyGroup Condition="'$(TargetFramework)' == '{Alias}'">
                <TargetFrameworkIdentifier>.NETCoreApp</TargetFrameworkIdentifier>
                <TargetFrameworkVersion>v10.0</TargetFrameworkVersion>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackagedFeed.MSBuildPackageId}" Version="{feed.Version}" />
                <OnnxModel Include="models/a.onnx" />
                <OnnxModel Include="models/b.onnx" />
              </ItemGroup>
              <ItemGroup Condition="'$(BreakModels)' == 'true'">
                <OnnxModel Update="models/a.onnx" Devices="jetson-nano" />
                <OnnxModel Update="models/b.onnx" Precision="int9" />
              </ItemGroup>
            </Project>
            """);
        var models = Path.Combine(folder, "models");
        Directory.CreateDirectory(models);
        SaveWithWeightsNamed(SampleModels.RepVggGrouped(), Path.Combine(models, "a.onnx"), Weights);
        File.WriteAllBytes(Path.Combine(models, "b.onnx"), WithSymbolicBatch(SampleModels.RepVggGrouped()).ToByteArray());
        return folder;
    }

    /// <summary>The model with its weights in <paramref name="weights"/> beside it: a name no glob of the model's name finds.</summary>
    private static void SaveWithWeightsNamed(ModelProto model, string path, string weights)
    {
        var staging = path + ".staging";
        ModelSaver.Save(model, staging, forceExternal: true);
        var saved = ModelProto.Parser.ParseFrom(File.ReadAllBytes(staging));
        foreach (var tensor in ModelLoader.AllTensors(saved))
        {
            foreach (var entry in tensor.ExternalData.Where(e => e.Key == "location")) entry.Value = weights;
        }
        File.WriteAllBytes(path, saved.ToByteArray());
        File.Move(staging + ".data", Path.Combine(Path.GetDirectoryName(path)!, weights));
        File.Delete(staging);
    }

    /// <summary>The batch dimension of the first input made symbolic: with no --shape, the compiler defaults it (OCW2001).</summary>
    private static ModelProto WithSymbolicBatch(ModelProto model)
    {
        var copy = model.Clone();
        var dim = copy.Graph.Input[0].Type.TensorType.Shape.Dim[0];
        dim.DimParam = "N";
        return copy;
    }

    private DotNetResult Build(string folder, params string[] options) => feed.DotNet(folder, ["build", "-nodeReuse:false", .. options]);

    /// <summary>How many times the targets said they compiled MODEL ("models/MODEL.onnx -> …"), in this build.</summary>
    private static int Compiled(DotNetResult build, string model) =>
        Regex.Matches(build.Output, $@"^\s*models[/\\]{model}\.onnx -> ", RegexOptions.Multiline).Count;

    private static DotNetResult Succeeds(DotNetResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
