using System.Text.RegularExpressions;
using OnnxCoDesign.Compiler.Measurement;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>The names compile writes into its output folder, so that --force can refuse a foreign file of such a name up front.</summary>
public static partial class CompileOutputs
{
    private static readonly string[] Fixed = [PlanJson.FileName, ReportHtml.FileName, TrtexecScript.FileName, MeasureReport.FileName];

    public static bool MayWrite(string name) => Fixed.Contains(name, StringComparer.Ordinal) || PartFile().IsMatch(name);

    // partK.onnx (RealizedPlan.File) and the data file ModelSaver may put beside it.
    [GeneratedRegex(@"^part[0-9]+\.onnx(\.data)?$")]
    private static partial Regex PartFile();
}
