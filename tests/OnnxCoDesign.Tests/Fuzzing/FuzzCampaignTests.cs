using OnnxCoDesign.Compiler.Cli;
using OnnxCoDesign.Fuzzing;
using OnnxCoDesign.Fuzzing.Driver;

namespace OnnxCoDesign.Tests.Fuzzing;

/// <summary>
/// Issue 9's fuzzing harness as a test: 300 mutated models (seed 1) through analyze, fuse, compile and verify
/// in-process. Any crash, hang, partial output, or model analyze accepts but ONNX Runtime cannot load fails
/// it, and the failure message is the campaign's summary: each distinct cause with its reproducer, which
/// `dotnet run -c Release --project bench/OnnxCoDesign.Fuzz -- --replay SEED` reruns on its own.
/// </summary>
public sealed class FuzzCampaignTests
{
    private const int Inputs = 300;

    [Fact]
    public void FixedSeedCampaign_FindsNoCrashHangPartialOutputOrAcceptedModelOrtRefuses()
    {
        using var scratch = new Support.ScratchDirectory();
        var report = FuzzCampaign.Run(new CampaignSettings(Seed: 1, Inputs, TimeSpan.FromSeconds(60)) { TempRoot = scratch.Path });

        // The campaign really ran: every input reached every command, and the mutations both broke models and left some valid.
        Assert.Equal(Inputs, report.Inputs);
        foreach (var command in FuzzCaseRunner.Commands)
        {
            // After a hang an input's later commands are skipped (the hung one may still be writing).
            int runs = Enum.GetValues<Outcome>().Sum(o => report.Count(command, o));
            Assert.InRange(runs, Inputs - report.Count(FindingKind.Hang), Inputs);
        }
        Assert.True(report.Count("analyze", Outcome.Success) > Inputs / 10, report.Summary());
        Assert.True(report.Count("analyze", Outcome.Refused) > Inputs / 10, report.Summary());

        Assert.True(report.FailureGroups.Count == 0, "the fuzz campaign found defects:\n" + report.Summary());
        // It cleaned up after itself.
        Assert.Empty(scratch.Listing());
    }
}
