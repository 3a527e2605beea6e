namespace OnnxCoDesign.Compiler.Emit.Svg;

/// <summary>
/// One plot area of a canvas: a rectangle with an x and a y axis, grid lines, tick labels and axis titles,
/// and the marks drawn in data coordinates (lines, points, diamonds, vertical markers). Marks whose values
/// an axis cannot show (0 on a log axis) are left out rather than drawn at a wrong place.
/// </summary>
public sealed class Panel
{
    private readonly SvgCanvas _c;

    public Panel(SvgCanvas canvas, double left, double top, double width, double height, Func<double, double, Axis> x, Func<double, double, Axis> y)
    {
        _c = canvas;
        (Left, Top, Width, Height) = (left, top, width, height);
        X = x(left, left + width);
        Y = y(top + height, top);
    }

    public double Left { get; }
    public double Top { get; }
    public double Width { get; }
    public double Height { get; }
    public Axis X { get; }
    public Axis Y { get; }
    public double Bottom => Top + Height;
    public double Right => Left + Width;

    /// <summary>
    /// Frame, grid, tick labels and the axis titles; <paramref name="xTitle"/> null hides the x labels (a panel above another).
    /// <paramref name="xSecondRow"/> gives a second row of x tick labels (a second scale of the same axis, class tick-second,
    /// with the tick's value in data-x), null where a tick has none; the title then moves below it.
    /// </summary>
    public Panel Frame(string? xTitle, string yTitle, Func<double, string?>? xSecondRow = null)
    {
        var n = SvgCanvas.N;
        foreach (var (v, label) in X.Ticks())
        {
            var px = X.Map(v);
            _c.Raw($"<line class=\"grid\" x1=\"{n(px)}\" y1=\"{n(Top)}\" x2=\"{n(px)}\" y2=\"{n(Bottom)}\"/>");
            if (xTitle is not null) _c.Text(px, Bottom + 16, label, "tick", "middle");
            if (xTitle is not null && xSecondRow?.Invoke(v) is { } second)
            {
                _c.Text(px, Bottom + 30, second, "tick tick-second", "middle", $"data-x=\"{n(v)}\"");
            }
        }
        foreach (var (v, label) in Y.Ticks())
        {
            var py = Y.Map(v);
            _c.Raw($"<line class=\"grid\" x1=\"{n(Left)}\" y1=\"{n(py)}\" x2=\"{n(Right)}\" y2=\"{n(py)}\"/>");
            _c.Text(Left - 6, py + 4, label, "tick", "end");
        }
        _c.Raw($"<rect class=\"frame\" x=\"{n(Left)}\" y=\"{n(Top)}\" width=\"{n(Width)}\" height=\"{n(Height)}\"/>");
        if (xTitle is not null) _c.Text(Left + Width / 2, Bottom + (xSecondRow is null ? 36 : 48), xTitle, "axis-title", "middle");
        var cy = Top + Height / 2;
        _c.Text(Left - 52, cy, yTitle, "axis-title", "middle", $"transform=\"rotate(-90 {n(Left - 52)} {n(cy)})\"");
        return this;
    }

    public bool Shows(double x, double y) => X.Shows(x) && Y.Shows(y);

    public (double X, double Y) At(double x, double y) => (X.Map(x), Y.Map(y));

    /// <summary>A polyline through the points it can show, in order.</summary>
    public Panel Line(IEnumerable<(double X, double Y)> points, string cls, string? attributes = null, string? tip = null)
    {
        var pts = points.Where(p => Shows(p.X, p.Y)).Select(p => $"{SvgCanvas.N(X.Map(p.X))},{SvgCanvas.N(Y.Map(p.Y))}").ToList();
        if (pts.Count == 0) return this;
        _c.Raw($"<polyline class=\"{cls}\" points=\"{string.Join(" ", pts)}\"{Attr(attributes)}>{SvgCanvas.Tip(tip)}</polyline>");
        return this;
    }

    public Panel Point(double x, double y, double r, string cls, string? attributes = null, string? tip = null)
    {
        if (!Shows(x, y)) return this;
        _c.Raw($"<circle class=\"{cls}\" cx=\"{SvgCanvas.N(X.Map(x))}\" cy=\"{SvgCanvas.N(Y.Map(y))}\" r=\"{SvgCanvas.N(r)}\"{Attr(attributes)}>{SvgCanvas.Tip(tip)}</circle>");
        return this;
    }

    public Panel Diamond(double x, double y, double r, string cls, string? attributes = null, string? tip = null)
    {
        if (!Shows(x, y)) return this;
        var (px, py) = At(x, y);
        var n = SvgCanvas.N;
        _c.Raw($"<path class=\"{cls}\" d=\"M{n(px)} {n(py - r)}L{n(px + r)} {n(py)}L{n(px)} {n(py + r)}L{n(px - r)} {n(py)}Z\"{Attr(attributes)}>{SvgCanvas.Tip(tip)}</path>");
        return this;
    }

    /// <summary>
    /// A bar from <paramref name="y0"/> up to <paramref name="y1"/> (data units) centred on <paramref name="x"/>,
    /// <paramref name="width"/> pixels wide: a segment of a stacked bar when y0 is the total below it. Both ends are
    /// mapped and rounded once, so stacked segments meet without gaps.
    /// </summary>
    public Panel Bar(double x, double y0, double y1, double width, string cls, string? attributes = null, string? tip = null)
    {
        if (!Shows(x, y0) || !Shows(x, y1)) return this;
        var n = SvgCanvas.N;
        var (top, bottom) = (Math.Round(Y.Map(Math.Max(y0, y1)), 1), Math.Round(Y.Map(Math.Min(y0, y1)), 1));
        _c.Raw($"<rect class=\"{cls}\" x=\"{n(X.Map(x) - width / 2)}\" y=\"{n(top)}\" width=\"{n(width)}\" height=\"{n(bottom - top)}\"{Attr(attributes)}>{SvgCanvas.Tip(tip)}</rect>");
        return this;
    }

    /// <summary>A text label at data coordinates, shifted by (dx, dy) pixels.</summary>
    public Panel Label(double x, double y, string text, string cls, double dx = 0, double dy = 0, string anchor = "start")
    {
        if (!Shows(x, y)) return this;
        var (px, py) = At(x, y);
        _c.Text(px + dx, py + dy, text, cls, anchor);
        return this;
    }

    private static string Attr(string? attributes) => attributes is null ? "" : " " + attributes;
}
