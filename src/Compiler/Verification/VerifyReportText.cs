using System.Globalization;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>verify's console report: a table per output, the precision section, and PASS or FAIL last.</summary>
public static class VerifyReportText
{
    public static void Write(VerifyReport report, string original, string rewritten, TextWriter w)
    {
        w.WriteLine($"original:  {original}");
        w.WriteLine($"rewritten: {rewritten}");
        w.WriteLine($"inputs:    {report.InputSource}");
        w.WriteLine($"tolerance: {OutputComparison.Format(report.Tolerance)} relative (max|rewritten - original| / max|original|)");
        w.WriteLine();
        var rows = report.Outputs.Select(o => new[]
        {
            o.Name,
            Shape(o.ReferenceShape),
            Metric(o, o.MaxAbsError),
            Metric(o, o.MaxRelativeError),
            Metric(o, o.RelativeL2),
            o.Passes(report.Tolerance) ? "PASS" : "FAIL" + (o.Problem is null ? "" : ": " + o.Problem),
        });
        Table(w, ["output", "shape", "max abs", "max rel", "rel L2", "result"], rows);
        foreach (var extra in report.ExtraOutputs) w.WriteLine($"note: the rewritten model's output '{extra}' has no counterpart in the original; not compared");

        if (report.Precision is { } p)
        {
            w.WriteLine();
            w.WriteLine($"precision {p.Precision.Name()}: rewritten model with weights rounded to {p.Precision.Name()} (weights only, activations fp32) vs the fp32 original");
            Table(w, ["output", "rel L2", "max rel", "max abs", "top-1 agreement"], p.Outputs.Select(o => new[]
            {
                o.Deviation.Name,
                Metric(o.Deviation, o.Deviation.RelativeL2),
                Metric(o.Deviation, o.Deviation.MaxRelativeError),
                Metric(o.Deviation, o.Deviation.MaxAbsError),
                o.Deviation.Problem ?? (o.Top1Agreement is { } a ? $"{a.ToString("0.000", CultureInfo.InvariantCulture)} ({o.Top1Matches}/{o.Top1Rows})" : "-"),
            }));
        }
        w.WriteLine();
        w.WriteLine(report.Passed ? "PASS" : "FAIL");
    }

    /// <summary>A metric, or "-" where the output could not be compared at all (missing, misshapen).</summary>
    private static string Metric(OutputComparison o, double value) => o.Problem is null ? OutputComparison.Format(value) : "-";

    private static string Shape(long[] dims) => "[" + string.Join(",", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static void Table(TextWriter w, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
        {
            w.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        }
    }
}
