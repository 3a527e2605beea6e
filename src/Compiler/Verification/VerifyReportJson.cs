using System.Globalization;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// verify's JSON (<see cref="VerifyDocument"/>). Errors are written with 6 significant digits (they span many
/// decades, so analyze's fixed decimals would turn 1e-7 into 0); NaN and infinity are written as null.
/// </summary>
public static class VerifyReportJson
{
    public static string Write(VerifyReport report, string original, string rewritten, EvaluateDocument? evaluation = null) =>
        CodesignJson.Write(Document(report, original, rewritten) with { SchemaVersion = CodesignJson.SchemaVersion, Evaluation = evaluation }, CodesignJsonWriter.Default.VerifyDocument);

    /// <summary>The report as a record, without schemaVersion (fuse embeds it).</summary>
    public static VerifyDocument Document(VerifyReport report, string original, string rewritten) => new()
    {
        Original = original,
        Rewritten = rewritten,
        Inputs = report.InputSource,
        Samples = report.Samples,
        Tolerance = Significant(report.Tolerance),
        Passed = report.Passed,
        Outputs = report.Outputs.Select(o => new VerifyOutput
        {
            Name = o.Name,
            Shape = o.ReferenceShape,
            RewrittenShape = o.CandidateShape,
            MaxAbsError = Significant(o.MaxAbsError),
            MaxRelativeError = Significant(o.MaxRelativeError),
            RelativeL2 = Significant(o.RelativeL2),
            Problem = o.Problem,
            Passed = o.Passes(report.Tolerance),
        }).ToList(),
        ExtraOutputs = report.ExtraOutputs,
        Warnings = Warnings.From(report.Warnings),
        Precision = report.Precision is not { } p ? null : new VerifyPrecision
        {
            Target = p.Precision.Name(),
            Rounding = "weights only",
            Outputs = p.Outputs.Select(o => new VerifyPrecisionOutput
            {
                Name = o.Deviation.Name,
                Shape = o.Deviation.ReferenceShape,
                RewrittenShape = o.Deviation.CandidateShape,
                MaxAbsError = Significant(o.Deviation.MaxAbsError),
                MaxRelativeError = Significant(o.Deviation.MaxRelativeError),
                RelativeL2 = Significant(o.Deviation.RelativeL2),
                Problem = o.Deviation.Problem,
                Top1Agreement = o.Top1Agreement is { } a ? Significant(a) : null,
                Top1Rows = o.Top1Agreement is null ? null : o.Top1Rows,
                Top1Matches = o.Top1Agreement is null ? null : o.Top1Matches,
            }).ToList(),
        },
    };

    private static double? Significant(double value) =>
        double.IsFinite(value) ? double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;
}
