using Google.Protobuf;
using OnnxCoDesign.Fuzzing;
using OnnxCoDesign.Fuzzing.Driver;
using OnnxCoDesign.Fuzzing.Models;
using OnnxCoDesign.Fuzzing.Mutations;

namespace OnnxCoDesign.Tests.Fuzzing;

/// <summary>The harness itself: deterministic inputs, mutations that change something, its verdicts, its folders.</summary>
public sealed class FuzzHarnessTests
{
    private const string Folder = "/fuzz-case-not-written";

    [Fact]
    public void AnInputIsReproducedFromItsSeedAlone()
    {
        for (int i = 0; i < 50; i++)
        {
            var generated = FuzzCase.Generate(7, i);
            var replayed = FuzzCase.FromSeed(generated.Seed, i);
            Assert.Equal(generated.BaseModel, replayed.BaseModel);
            Assert.Equal(generated.Mutations, replayed.Mutations);
            Assert.Equal(generated.Materialize(Folder).Serialized(), replayed.Materialize(Folder).Serialized());
        }
        Assert.NotEqual(FuzzCase.Generate(7, 0).Seed, FuzzCase.Generate(8, 0).Seed);
        Assert.NotEqual(FuzzCase.Generate(7, 0).Seed, FuzzCase.Generate(7, 1).Seed);
    }

    [Fact]
    public void EveryMutationChangesSomeBaseModel()
    {
        var baseBytes = BaseModels.Names.ToDictionary(n => n, n => BaseModels.Build(n, 1).ToByteArray());
        var inert = new List<string>();
        foreach (var mutation in MutationCatalog.All)
        {
            bool changed = false;
            foreach (var name in BaseModels.Names)
            {
                var context = new MutationContext(BaseModels.Build(name, 1), new FuzzRandom(3), Folder);
                mutation.Apply(context);
                changed |= !context.Serialized().AsSpan().SequenceEqual(baseBytes[name]) || context.Files.Count > 0 || context.ShapeBindings.Count > 0;
            }
            if (!changed) inert.Add(mutation.Name);
        }
        Assert.Empty(inert);
        Assert.True(MutationCatalog.Structural.Count >= 35, $"{MutationCatalog.Structural.Count} structure-aware mutations");
        Assert.Equal(MutationCatalog.All.Count, MutationCatalog.All.Select(m => m.Name).Distinct().Count());
    }

    [Fact]
    public void BaseModelsAreValidForOnnxRuntime()
    {
        using var scratch = new Support.ScratchDirectory();
        foreach (var name in BaseModels.Names)
        {
            var path = scratch.Write(name + ".onnx", BaseModels.Build(name, 1).ToByteArray());
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
            Assert.NotEmpty(session.OutputMetadata);
        }
    }

    [Theory]
    [InlineData(0, "", Outcome.Success)]
    [InlineData(0, "m.onnx: warning OCW2002: unknown operator\n", Outcome.Success)]
    [InlineData(1, "m.onnx: error OCD1004: the file is truncated\n", Outcome.Refused)]
    [InlineData(1, "m.onnx: warning OCW2002: x\nm.onnx: error OCD1302: shapes differ\n", Outcome.Refused)]
    [InlineData(2, "codesign-compile: error OCD1401: bad flag\n", Outcome.Refused)]
    [InlineData(3, "", Outcome.CheckFailed)]
    [InlineData(70, "codesign-compile: error OCD9999: internal error (KeyNotFoundException): key\n", Outcome.Crash)]
    [InlineData(1, "m.onnx: error OCD1004: truncated\n   at Foo.Bar()\n", Outcome.Crash)]
    [InlineData(1, "m.onnx: error OCD1004: one\nm.onnx: error OCD1005: two\n", Outcome.Crash)]
    [InlineData(1, "something went wrong\n", Outcome.Crash)]
    [InlineData(1, "", Outcome.Crash)]
    [InlineData(134, "", Outcome.Crash)]
    public void VerdictsFollowTheExitCodeAndTheErrorLine(int exit, string error, Outcome expected)
    {
        var run = new CommandRun("analyze", ["analyze"], exit, "", error, false, null, TimeSpan.Zero);
        Assert.Equal(expected, Verdict.Of(run).Outcome);
    }

    [Fact]
    public void AnOverlongErrorLineIsACrashAndATimeoutAHang()
    {
        var longLine = "m.onnx: error OCD1509: " + new string('x', Verdict.LongestErrorLine) + "\n";
        Assert.Equal(Outcome.Crash, Verdict.Of(new CommandRun("verify", ["verify"], 1, "", longLine, false, null, TimeSpan.Zero)).Outcome);
        Assert.Equal(Outcome.Hang, Verdict.Of(new CommandRun("verify", ["verify"], null, "", "", true, null, TimeSpan.Zero)).Outcome);
    }

    [Fact]
    public void AnInProcessRunCapturesExitCodeAndErrorLine()
    {
        using var scratch = new Support.ScratchDirectory();
        var run = CliInvoker.Run(["analyze", scratch.File("missing.onnx")], TimeSpan.FromSeconds(60));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error OCD1001", run.Error);
        Assert.Equal(Outcome.Refused, Verdict.Of(run).Outcome);
        Assert.Null(run.Exception);
    }

    [Fact]
    public void AnExceptionIsGroupedByTheProjectFrameThatThrewIt()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new OnnxCoDesign.Samples.OnnxModelBuilder().Output("never-defined"));
        var (cause, detail) = ExceptionCause.Of(e);
        Assert.Equal("InvalidOperationException in OnnxModelBuilder.AddOutput", cause);
        Assert.Contains("never-defined", detail);
    }

    [Fact]
    public void ARunPastItsTimeoutIsAHang()
    {
        var run = CliInvoker.Run(["analyze", "--sample", "repvgg-a0"], TimeSpan.FromMilliseconds(1));
        Assert.True(run.TimedOut);
        Assert.Null(run.ExitCode);
        Assert.Equal(Outcome.Hang, Verdict.Of(run).Outcome);
    }

    [Fact]
    public void ASnapshotSeesNewAndChangedEntriesOnly()
    {
        using var scratch = new Support.ScratchDirectory();
        scratch.Write("in/model.onnx", [1, 2]);
        scratch.Write("kept.txt", [1]);
        var before = FolderSnapshot.Take(scratch.Path);
        Assert.Empty(before.ChangedSince());

        scratch.Write("in/model.onnx", [1, 2, 3]);
        Directory.CreateDirectory(scratch.File("compiled.out.tmp"));
        scratch.Write("compiled.out.tmp/part0.onnx", [0]);
        Assert.Equal(["compiled.out.tmp", Path.Combine("compiled.out.tmp", "part0.onnx"), Path.Combine("in", "model.onnx")], before.ChangedSince());
    }

    [Fact]
    public void TheCaseWriterRefusesAPathOutsideTheCaseFolder()
    {
        using var scratch = new Support.ScratchDirectory();
        var caseFolder = scratch.File("case");
        var context = new MutationContext(BaseModels.Build("repvgg", 1), new FuzzRandom(1), caseFolder);
        context.Files["../escaped.bin"] = [1];
        Assert.Throws<InvalidOperationException>(() => FuzzCaseWriter.Write(context));
        Assert.False(File.Exists(scratch.File("escaped.bin")));

        var linking = new MutationContext(BaseModels.Build("repvgg", 1), new FuzzRandom(1), caseFolder);
        linking.Links["in/w.bin"] = "../../escaped.bin";
        Assert.Throws<InvalidOperationException>(() => FuzzCaseWriter.Write(linking));
    }

    [Fact]
    public void ACampaignLeavesNothingBehind()
    {
        using var scratch = new Support.ScratchDirectory();
        var report = FuzzCampaign.Run(new CampaignSettings(Seed: 5, Count: 4, TimeSpan.FromSeconds(60)) { TempRoot = scratch.Path });
        Assert.Equal(4, report.Inputs);
        Assert.Empty(scratch.Listing());
    }

    [Fact]
    public void OrtMessagesAreClassedWithoutNamesOrNumbers()
    {
        var a = OrtOracle.Classify("[ErrorCode:InvalidGraph] Load model from /tmp/x/in/model.onnx failed:This is an invalid model. In Node, (\"Conv_3\", Conv, \"\", -1) : (\"x\": tensor(float),) -> (\"y\": tensor(float),) , Error Unrecognized attribute: bogus_7 for operator Conv");
        var b = OrtOracle.Classify("[ErrorCode:InvalidGraph] Load model from /tmp/y/in/model.onnx failed:This is an invalid model. In Node, (\"Gemm_1\", Gemm, \"\", -1) : (\"a\": tensor(float),\"b\": tensor(float),) -> (\"c\": tensor(float),) , Error Unrecognized attribute: bogus_12 for operator Gemm");
        Assert.Equal(a, b);
        Assert.DoesNotContain("/tmp", a);
        Assert.Contains("Unrecognized attribute", a);
    }
}
