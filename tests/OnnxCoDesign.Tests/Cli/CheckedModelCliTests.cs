using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.IR;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Cli;

/// <summary>
/// Models that used to crash a command (exit 70, a stack trace) after loading are refused at load by the
/// model checker: exit 1, one coded line naming the file, nothing written.
/// </summary>
public sealed class CheckedModelCliTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string> Cases => new()
    {
        // kind, command, code
        { "bn-scale-count", "fuse", "OCD1006" },
        { "bn-no-outputs", "fuse", "OCD1212" },
        { "conv-bias-scalar", "fuse", "OCD1216" },
        { "conv-bias-scalar", "compile", "OCD1216" },
        { "conv-bias-column", "compile", "OCD1216" },
        { "constant-not-tensor", "analyze", "OCD1215" },
        { "duplicate-input", "analyze", "OCD1203" },
        { "duplicate-input", "verify", "OCD1203" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RefusesAtLoadWithCodeAndNothingWritten(string kind, string command, string code)
    {
        var model = _dir.Write(kind + ".onnx", Mutated(kind).ToByteArray());
        var before = _dir.Files();
        string[] args = command switch
        {
            "fuse" => ["fuse", model, "-o", _dir.File("fused.onnx")],
            "compile" => ["compile", model, "-o", _dir.File("out")],
            "verify" => ["verify", model, model],
            _ => ["analyze", model, "--json", _dir.File("out.json")],
        };

        var run = CliRun.Of(args);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"{model}: error {code}: ", line);
        Assert.DoesNotContain("Exception", run.Error);
        Assert.Equal(before, _dir.Files());
    }

    private static ModelProto Mutated(string kind)
    {
        var model = SampleModels.RepVggGrouped(kind.StartsWith("conv-bias", StringComparison.Ordinal) ? RepVggExportForm.BnFolded : RepVggExportForm.BnSeparate);
        var graph = model.Graph;
        TensorProto Init(string name) => graph.Initializer.Single(t => t.Name == name);
        var bn = graph.Node.FirstOrDefault(n => n.OpType == "BatchNormalization");
        var conv = graph.Node.First(n => n.OpType == "Conv");
        switch (kind)
        {
            case "bn-scale-count":
                var scale = Init(bn!.Input[1]);
                scale.RawData = ByteString.Empty;
                scale.FloatData.AddRange([1f, 2f, 3f]);
                break;
            case "bn-no-outputs":
                bn!.Output.Clear();
                break;
            case "conv-bias-scalar":
                var b = Init(conv.Input[2]);
                b.Dims.Clear();
                b.RawData = ByteString.CopyFrom(new byte[4]);
                break;
            case "conv-bias-column":
                var column = Init(conv.Input[2]);
                column.Dims.Add(1);
                break;
            case "constant-not-tensor":
                graph.Node.Insert(0, new NodeProto { OpType = "Constant", Name = "k", Output = { "k_out" }, Attribute = { NodeAttributes.Float("value", 1f) } });
                break;
            case "duplicate-input":
                graph.Input.Add(graph.Input[0].Clone());
                break;
        }
        return model;
    }
}
