using System.Text.RegularExpressions;
using OnnxCoDesign.Compiler.Emit.Triton;
using OnnxCoDesign.Compiler.Measurement;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>The names compile writes into its output folder, so that --force can refuse a foreign file of such a name up front.</summary>
public static partial class CompileOutputs
{
    private static readonly string[] Fixed = [PlanJson.FileName, ReportHtml.FileName, TrtexecScript.FileName, MeasureReport.FileName, DeployText.FileName];

    /// <summary>
    /// Whether compile may write <paramref name="name"/>: a file name, or a path in the triton/ tree ('/' between names,
    /// a trailing '/' allowed), as <see cref="OutputClaim.ForeignEntries"/> names what it finds. The engine build-engines.sh
    /// writes (…/1/model.plan) is not compile's: with --force it is left alone; anything else a user put in a
    /// repository (another model's folder) too.
    /// </summary>
    public static bool MayWrite(string name) => Fixed.Contains(name, StringComparer.Ordinal) || PartFile().IsMatch(name) || TritonEntry().IsMatch(name);

    // partK.onnx (RealizedPlan.File) and the data file ModelSaver may put beside it.
    [GeneratedRegex(@"^part[0-9]+\.onnx(\.data)?$")]
    private static partial Regex PartFile();

    // triton, triton/DEVICE, triton/DEVICE/partK, …/config.pbtxt, …/1, …/1/model.onnx(.data) (TritonRepository).
    [GeneratedRegex(@"^triton(/[a-z0-9-]+(/part[0-9]+(/(config\.pbtxt|1(/model\.onnx(\.data)?)?))?)?)?/?$")]
    private static partial Regex TritonEntry();
}
