using System.Globalization;
using System.Text.Json;
using OnnxCoDesign.Compiler.Reports;
using OnnxCoDesign.Passes.Precision;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// verify's JSON. Errors are written with 6 significant digits (they span many decades, so analyze's
/// fixed decimals would turn 1e-7 into 0); NaN and infinity are written as null.
/// </summary>
public static class VerifyReportJson
{
    public static string Write(VerifyReport report, string original, string rewritten) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("original", original);
        w.WriteString("rewritten", rewritten);
        w.WriteString("inputs", report.InputSource);
        w.WriteNumber("samples", report.Samples);
        Significant(w, "tolerance", report.Tolerance);
        w.WriteBoolean("passed", report.Passed);
        w.WriteStartArray("outputs");
        foreach (var o in report.Outputs)
        {
            w.WriteStartObject();
            Comparison(w, o);
            w.WriteBoolean("passed", o.Passes(report.Tolerance));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.Strings("extraOutputs", report.ExtraOutputs);
        w.WriteStartArray("warnings");
        foreach (var d in report.Warnings)
        {
            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (report.Precision is { } p)
        {
            w.WriteStartObject("precision");
            w.WriteString("target", p.Precision.Name());
            w.WriteString("rounding", "weights only");
            w.WriteStartArray("outputs");
            foreach (var o in p.Outputs)
            {
                w.WriteStartObject();
                Comparison(w, o.Deviation);
                if (o.Top1Agreement is { } a)
                {
                    Significant(w, "top1Agreement", a);
                    w.WriteNumber("top1Rows", o.Top1Rows);
                    w.WriteNumber("top1Matches", o.Top1Matches);
                }
                else w.WriteNull("top1Agreement");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    private static void Comparison(Utf8JsonWriter w, OutputComparison o)
    {
        w.WriteString("name", o.Name);
        Shape(w, "shape", o.ReferenceShape);
        if (o.CandidateShape is null) w.WriteNull("rewrittenShape");
        else Shape(w, "rewrittenShape", o.CandidateShape);
        Significant(w, "maxAbsError", o.MaxAbsError);
        Significant(w, "maxRelativeError", o.MaxRelativeError);
        Significant(w, "relativeL2", o.RelativeL2);
        if (o.Problem is null) w.WriteNull("problem");
        else w.WriteString("problem", o.Problem);
    }

    private static void Shape(Utf8JsonWriter w, string name, long[] dims)
    {
        w.WriteStartArray(name);
        foreach (var d in dims) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    private static void Significant(Utf8JsonWriter w, string name, double value)
    {
        if (!double.IsFinite(value)) w.WriteNull(name);
        else w.WriteNumber(name, double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }
}
