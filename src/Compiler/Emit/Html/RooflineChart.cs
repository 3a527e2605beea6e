using System.Globalization;
using OnnxCoDesign.Compiler.Emit.Svg;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Planning;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// The roofline chart (log-log, FLOP/byte against FLOP/s): each device's roof at the precision its part runs at
/// (the lowest it supports at or above the plan's lowest allowed one),
/// attainable = min(P, I·B), with its ridge P/B marked; each part with a model as a point on its device's
/// roof at its intensity I = FLOPs / (bytes · BytesScale(precision)), and, hollow below it, the rate the
/// plan predicts for it (FLOPs / predicted time: efficiencies and per-node overhead included).
/// </summary>
public static class RooflineChart
{
    public const string Id = "roofline-chart";

    /// <summary>A part as the chart places it; parts with no FLOPs or no bytes have no place on log axes.</summary>
    public sealed record PartPoint(PlannedPart Part, int Device, double Intensity, double Attainable, double Predicted);

    public static IReadOnlyList<PartPoint> Points(CompileOutcome o)
    {
        return o.Plan.Parts.Where(p => p.Model is not null && p.Flops > 0 && p.Bytes > 0).Select(p =>
        {
            var device = p.Index; // part j runs on device j of the chain
            var d = o.Settings.Devices[device];
            var intensity = p.Flops / (p.Bytes * RooflineTime.BytesScale(p.Precision));
            var attainable = Math.Min(d.Peak(p.Precision), intensity * d.MemoryBandwidth);
            var predicted = p.PredictedSeconds > 0 ? p.Flops / p.PredictedSeconds : double.NaN;
            return new PartPoint(p, device, intensity, attainable, predicted);
        }).ToList();
    }

    public static string Render(CompileOutcome o)
    {
        var devices = o.Settings.Devices;
        var precisions = devices.Select((_, i) => o.Costs.Problem.PrecisionOn(i)).ToList();
        var points = Points(o);
        var title = precisions.Distinct().Count() == 1 ? Name(precisions[0]) : "each device's precision";

        // Whole decades around the ridges and the parts, with room either side so labels fit.
        var xs = devices.Select((d, i) => d.Ridge(precisions[i])).Concat(points.Select(p => p.Intensity)).ToList();
        var xMin = Math.Pow(10, Math.Floor(Math.Log10(xs.Min() / 3)));
        var xMax = Math.Pow(10, Math.Ceiling(Math.Log10(xs.Max() * 3)));
        var ys = devices.Select((d, i) => d.Peak(precisions[i]) * 2).Concat(devices.Select(d => xMin * d.MemoryBandwidth))
            .Concat(points.Select(p => p.Predicted)).Concat(points.Select(p => p.Attainable));

        var svg = new SvgCanvas(Id, 820, 500, $"Roofline at {title}: devices' roofs and the plan's parts");
        var panel = new Panel(svg, 84, 16, 700, 390,
            (a, b) => new LogAxis([xMin, xMax], a, b), (a, b) => new LogAxis(ys, a, b));
        panel.Frame("operational intensity (FLOP/byte)", $"attainable {title} FLOP/s");

        for (var i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            var (peak, bandwidth, ridge) = (d.Peak(precisions[i]), d.MemoryBandwidth, d.Ridge(precisions[i]));
            var data = $"data-device=\"{SvgCanvas.Esc(d.Name)}\"";
            panel.Line([(panel.X.Min, panel.X.Min * bandwidth), (ridge, peak), (panel.X.Max, peak)], $"roof dev{i % Palette}", data,
                $"{d.Name}: min({Axis.Si(peak, "FLOP/s")}, I × {Axis.Si(bandwidth, "B/s")})");
            svg.Raw($"<line class=\"ridge dev{i % Palette}\" x1=\"{SvgCanvas.N(panel.X.Map(ridge))}\" y1=\"{SvgCanvas.N(panel.Y.Map(peak))}\" " +
                    $"x2=\"{SvgCanvas.N(panel.X.Map(ridge))}\" y2=\"{SvgCanvas.N(panel.Bottom)}\" {data}/>");
            panel.Point(ridge, peak, 3.5, $"ridge-point dev{i % Palette}", data, $"{d.Name} ridge P/B = {F(ridge)} FLOP/byte");
            panel.Label(ridge, peak, $"ridge {F(ridge)}", $"ridge-label dev{i % Palette}", 5, -6);

            // Legend in the top-left corner, the empty region above the sloped roofs.
            var ly = panel.Top + 18 + i * 17;
            svg.Raw($"<line class=\"legend-line dev{i % Palette}\" x1=\"{SvgCanvas.N(panel.Left + 10)}\" y1=\"{SvgCanvas.N(ly - 4)}\" x2=\"{SvgCanvas.N(panel.Left + 34)}\" y2=\"{SvgCanvas.N(ly - 4)}\"/>");
            var relay = i < o.Plan.Parts.Count && PartRoles.Of(o, i) == PartRole.Relay ? " (relays only: no part)" : "";
            svg.Text(panel.Left + 40, ly, $"{d.Name} at {Name(precisions[i])}: {Axis.Si(peak, "FLOP/s")}, {Axis.Si(bandwidth, "B/s")}, ridge {F(ridge)} FLOP/byte{relay}", "legend");
        }

        foreach (var p in points)
        {
            var cls = $"dev{p.Device % Palette}";
            var tip = string.Create(CultureInfo.InvariantCulture,
                $"part{p.Part.Index} on {devices[p.Device].Name}: I = {F(p.Intensity)} FLOP/byte, attainable {Axis.Si(p.Attainable, "FLOP/s")}, predicted {Axis.Si(p.Predicted, "FLOP/s")} ({p.Part.PredictedSeconds * 1e3:0.###} ms)");
            var data = $"data-part=\"{p.Part.Index}\" data-device=\"{SvgCanvas.Esc(devices[p.Device].Name)}\"";
            if (double.IsFinite(p.Predicted) && p.Predicted < p.Attainable)
            {
                panel.Line([(p.Intensity, p.Attainable), (p.Intensity, p.Predicted)], $"part-gap {cls}");
                panel.Point(p.Intensity, p.Predicted, 4, $"part-predicted {cls}", data, tip);
            }
            panel.Point(p.Intensity, p.Attainable, 5.5, $"part-point {cls}", data, tip);
            var nearRight = panel.X.Map(p.Intensity) > panel.Right - 150;
            panel.Label(p.Intensity, p.Attainable, $"part{p.Part.Index} ({devices[p.Device].Name})", $"part-label {cls}",
                nearRight ? -9 : 9, 18, nearRight ? "end" : "start"); // below the roof: ridge labels sit above it
        }

        // What the two kinds of point mean, below the axis title.
        var ky = panel.Bottom + 72;
        svg.Raw($"<circle class=\"key-solid\" cx=\"{SvgCanvas.N(panel.Left + 6)}\" cy=\"{SvgCanvas.N(ky - 4)}\" r=\"5.5\"/>");
        svg.Text(panel.Left + 16, ky, "solid: a part on its device's roof (attainable at its intensity)", "legend");
        svg.Raw($"<circle class=\"key-hollow\" cx=\"{SvgCanvas.N(panel.Left + 446)}\" cy=\"{SvgCanvas.N(ky - 4)}\" r=\"4\"/>");
        svg.Text(panel.Left + 456, ky, "hollow: the rate the plan predicts for it", "legend");
        return svg.Close();
    }

    /// <summary>Number of device colours in the stylesheet (dev0 … dev5); longer chains reuse them.</summary>
    public const int Palette = 6;

    private static string Name(Precision p) => p.ToString().ToLowerInvariant();

    private static string F(double v) => v.ToString(v >= 100 ? "0" : v >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture);
}
