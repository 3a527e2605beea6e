using System.Globalization;

namespace OnnxCoDesign.Compiler.Emit.Svg;

/// <summary>
/// Maps data values to pixels along one side of a chart and says where its ticks go. The pixel range may run
/// backwards (a y axis grows upwards while SVG's y grows downwards).
/// </summary>
public abstract class Axis(double pixelFrom, double pixelTo)
{
    public double PixelFrom { get; } = pixelFrom;

    public double PixelTo { get; } = pixelTo;

    public abstract double Min { get; }

    public abstract double Max { get; }

    public abstract double Map(double value);

    /// <summary>Tick values with their labels, inside [Min, Max].</summary>
    public abstract IReadOnlyList<(double Value, string Label)> Ticks();

    /// <summary>Whether a value can be drawn on this axis (a log axis has no place for 0).</summary>
    public virtual bool Shows(double value) => double.IsFinite(value);

    /// <summary>1, 2.5, 10 k, 3.2 M: short labels with SI prefixes, so axes of FLOP/s stay narrow.</summary>
    public static string Si(double value) => Si(value, "");

    /// <summary>With a unit: 472 GFLOP/s, 25.6 GB/s.</summary>
    public static string Si(double value, string unit)
    {
        if (unit.Length > 0) return Si(value).Insert(PrefixStart(Si(value)), " ") + unit;
        if (value == 0 || !double.IsFinite(value)) return value.ToString(CultureInfo.InvariantCulture);
        string[] prefixes = ["p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E"];
        var group = (int)Math.Floor(Math.Log10(Math.Abs(value)) / 3 + 1e-9);
        group = Math.Clamp(group, -4, 6);
        var scaled = value / Math.Pow(1000, group);
        return scaled.ToString("0.##", CultureInfo.InvariantCulture) + prefixes[group + 4];
    }

    private static int PrefixStart(string text)
    {
        var i = text.Length;
        while (i > 0 && !char.IsDigit(text[i - 1])) i--;
        return i;
    }
}

/// <summary>A base-10 logarithmic axis over whole decades, ticked at each power of ten.</summary>
public sealed class LogAxis : Axis
{
    private readonly double _lo, _hi; // log10 of the ends

    /// <summary>Spans every value given, widened to whole decades (values ≤ 0 or not finite are ignored).</summary>
    public LogAxis(IEnumerable<double> values, double pixelFrom, double pixelTo) : base(pixelFrom, pixelTo)
    {
        var logs = values.Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).ToList();
        if (logs.Count == 0) logs = [0, 1];
        _lo = Math.Floor(logs.Min());
        _hi = Math.Ceiling(logs.Max());
        if (_hi <= _lo) _hi = _lo + 1;
    }

    public override double Min => Math.Pow(10, _lo);

    public override double Max => Math.Pow(10, _hi);

    public override double Map(double value) =>
        PixelFrom + (Math.Log10(value) - _lo) / (_hi - _lo) * (PixelTo - PixelFrom);

    public override bool Shows(double value) => value > 0 && double.IsFinite(value);

    public override IReadOnlyList<(double Value, string Label)> Ticks()
    {
        var ticks = new List<(double, string)>();
        for (var e = (int)_lo; e <= (int)_hi; e++) ticks.Add((Math.Pow(10, e), Si(Math.Pow(10, e))));
        return ticks;
    }
}

/// <summary>A linear axis widened to "nice" tick steps (1, 2 or 5 times a power of ten).</summary>
public sealed class LinearAxis : Axis
{
    private readonly double _min, _max, _step;

    /// <param name="zero">Whether the axis must include 0 (bar-like quantities such as latency).</param>
    /// <param name="tight">Keep the ends at the data (an index axis), ticking only the nice values inside.</param>
    public LinearAxis(IEnumerable<double> values, double pixelFrom, double pixelTo, bool zero = false, int ticks = 6, bool integers = false, bool tight = false)
        : base(pixelFrom, pixelTo)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (zero) finite.Add(0);
        var lo = finite.Count > 0 ? finite.Min() : 0;
        var hi = finite.Count > 0 ? finite.Max() : 1;
        if (hi - lo < 1e-12) { lo -= Math.Max(Math.Abs(lo) * 0.1, 0.5); hi += Math.Max(Math.Abs(hi) * 0.1, 0.5); }
        _step = NiceStep((hi - lo) / Math.Max(1, ticks - 1));
        if (integers) _step = Math.Max(1, Math.Round(_step));
        _min = tight ? lo : Math.Floor(lo / _step + 1e-9) * _step;
        _max = tight ? hi : Math.Ceiling(hi / _step - 1e-9) * _step;
    }

    public override double Min => _min;

    public override double Max => _max;

    public override double Map(double value) => PixelFrom + (value - _min) / (_max - _min) * (PixelTo - PixelFrom);

    public override IReadOnlyList<(double Value, string Label)> Ticks()
    {
        var ticks = new List<(double, string)>();
        var first = Math.Ceiling(_min / _step - 1e-9) * _step;
        for (var i = 0; first + i * _step <= _max + _step * 1e-9; i++)
        {
            var v = Math.Round(first + i * _step, 10);
            ticks.Add((v, Math.Abs(v) >= 10000 ? Si(v) : v.ToString("0.###", CultureInfo.InvariantCulture)));
        }
        return ticks;
    }

    private static double NiceStep(double raw)
    {
        if (raw <= 0 || !double.IsFinite(raw)) return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var f = raw / power;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
    }
}
