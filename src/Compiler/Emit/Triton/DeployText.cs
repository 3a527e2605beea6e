using System.Globalization;
using System.Text;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Emit.Triton;

/// <summary>
/// DEPLOY.md: how to run the plan. Per device in chain order: what to start (build-engines.sh then tritonserver on a
/// TensorRT device, tritonserver alone on an ONNX Runtime one), the model it serves, what it receives, and which tensors
/// it sends to the next device as a KServe v2 inference request (the Open Inference Protocol Triton speaks over
/// HTTP/REST: <c>POST /v2/models/MODEL/infer</c>, port 8000 by default; kserve.github.io, "Open Inference Protocol (V2)",
/// and Triton's docs/protocol/README.md), with the tensors' KServe datatypes and shapes taken from the receiving
/// model's config. Deterministic: LF, no absolute paths, no times.
/// </summary>
public static class DeployText
{
    public const string FileName = "DEPLOY.md";

    public static string Write(string modelName, RealizedPlan plan, IReadOnlyList<TritonModel> models)
    {
        var o = new StringBuilder();
        void Line(string s = "") => o.Append(s).Append('\n');
        var byPart = models.ToDictionary(m => m.Part.Index);
        var chain = string.Join(" → ", plan.Parts.Select(p => p.Device.Name));
        Line($"# Deploying {Text(modelName)}: {chain}");
        Line();
        Line("Written by codesign-compile. Each device serves its part with NVIDIA Triton Inference Server from its own model");
        Line($"repository, `{TritonRepository.FolderName}/DEVICE/` in this folder. A part's results travel to the next device as a KServe v2");
        Line("inference request (the HTTP/REST protocol Triton speaks, port 8000 by default): `POST /v2/models/MODEL/infer` on");
        Line("the next device's server, with the tensors below as the request's inputs. Send them as binary tensor data");
        Line("(Triton's binary data extension, `Inference-Header-Content-Length`): FP16 and INT8 wire tensors travel as their bytes.");
        Line("Triton answers a request; it does not pass results on: on each device, the process that sent the request to the");
        Line("local server (the application on the first device, a forwarder on the others) sends the response's outputs on.");
        Line();
        Line("Copy this folder to every device. Start the servers from the last device back to the first, so that each");
        Line("device's next one is listening when its first result is ready; `GET /v2/health/ready` answers 200 once a server is up.");
        for (var j = 0; j < plan.Parts.Count; j++)
        {
            var part = plan.Parts[j];
            var d = part.Device;
            Line();
            Line($"## {j + 1}. {d.Name} ({Text(d.DisplayName)}){(d.TensorRtVersion is { } v ? $", TensorRT {v}" : ", no TensorRT")}");
            Line();
            if (!byPart.TryGetValue(part.Index, out var model))
            {
                Line($"Runs no part: part {part.Index} is a relay (no nodes). Nothing to serve; forward each request it receives, unchanged,");
                Line("to the next device (or let the previous device send to the next one directly where it can reach it).");
                Sends(j);
                continue;
            }
            Line($"Serves `{model.Config.Name}` ({model.Part.File}, {model.Part.Precision.Name()}) from `{model.Folder}/`, platform `{model.Config.Platform}`.");
            Line();
            Line("Start:");
            Line();
            Line("```sh");
            if (!model.WrittenByCompile)
            {
                Line($"./{TrtexecScript.FileName} {d.Name}   # builds {model.ModelFile}");
            }
            Line($"tritonserver --model-repository={TritonRepository.DeviceFolder(d)}");
            Line("```");
            Line();
            if (j == 0)
            {
                Line($"Receives the model's inputs from the application, as a request to `/v2/models/{model.Config.Name}/infer` here:");
                Line();
                Table(model.Config.Inputs);
            }
            else
            {
                Line($"Receives the inputs of `{model.Config.Name}` from {plan.Parts[j - 1].Device.Name} (section {j}).");
            }
            Sends(j);
            var leaving = Leaving(plan, j);
            if (leaving.Count > 0)
            {
                var back = plan.Returns.Where(r => r.From == d.Name).Select(r => r.To).Distinct().ToList();
                Line();
                Line(back.Count > 0
                    ? $"The model's outputs leave here and go back to {string.Join(", ", back)} (where they are consumed), in the response:"
                    : "The model's outputs leave here, in the response to the request that reached this device:");
                Line();
                Table(model.Config.Outputs.Where(t => leaving.Contains(t.Name)).ToList());
            }
        }
        return o.ToString();

        void Sends(int j)
        {
            var link = plan.Transfers.FirstOrDefault(t => t.Link == j);
            if (link is null) return;
            // A relay forwards: the request is meant for the next part that has a model.
            var target = plan.Parts.Skip(j + 1).FirstOrDefault(p => byPart.ContainsKey(p.Index));
            if (target is null)
            {
                // Only relays follow: what crosses is the model's outputs, on their way to where they are consumed.
                Line();
                Line($"Sends the model's outputs on to {plan.Parts[j + 1].Device.Name} over link {link.Link} ({link.Wire.Name()} wire), which serves no model:");
                Line();
                Line("| tensor | type | shape |");
                Line("|---|---|---|");
                foreach (var t in link.Tensors) Line($"| `{Text(t.Name)}` | {t.Type} | [{string.Join(", ", t.Shape.Select(x => x.ToString(CultureInfo.InvariantCulture)))}] |");
                return;
            }
            var next = byPart[target.Index];
            var via = target.Index == j + 1 ? "" : $" (through {plan.Parts[j + 1].Device.Name}, which relays it)";
            Line();
            Line($"Sends to {target.Device.Name}{via} over link {link.Link} ({link.Wire.Name()} wire, {link.Bytes.ToString(CultureInfo.InvariantCulture)} bytes a request):");
            Line($"`POST http://{target.Device.Name}:8000/v2/models/{next.Config.Name}/infer` with the inputs");
            Line();
            Table(next.Config.Inputs);
        }

        void Table(IReadOnlyList<TritonTensor> tensors)
        {
            Line("| tensor | datatype | shape |");
            Line("|---|---|---|");
            foreach (var t in tensors)
            {
                Line($"| `{Text(t.Name)}` | {TritonDataTypes.WireOf(t.DataType)} | [{string.Join(", ", t.Dims.Select(x => x.ToString(CultureInfo.InvariantCulture)))}] |");
            }
        }
    }

    /// <summary>The outputs of part <paramref name="j"/> that no link carries on: the model's outputs, leaving there.</summary>
    private static HashSet<string> Leaving(RealizedPlan plan, int j)
    {
        var carried = plan.Transfers.Where(t => t.Link == j).SelectMany(t => t.Tensors).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return plan.Parts[j].Outputs.Select(t => t.Name).Where(n => !carried.Contains(n)).ToHashSet(StringComparer.Ordinal);
    }

    // Names go into Markdown code spans and text: no line breaks or backticks from a model's names.
    private static string Text(string s) => new(s.Select(c => char.IsControl(c) || c == '`' ? ' ' : c).ToArray());
}
