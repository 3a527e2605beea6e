using System.Globalization;
using System.Net;
using System.Text;

namespace OnnxCoDesign.Compiler.Emit.Svg;

/// <summary>
/// An inline &lt;svg&gt; element built as text: fixed pixel size with a viewBox (so it scales with the page),
/// an id for tests and styles, and a &lt;title&gt; for accessibility. All text is HTML-encoded here, and all
/// numbers are written with the invariant culture and one decimal, so the output is the same everywhere.
/// </summary>
public sealed class SvgCanvas
{
    private readonly StringBuilder _sb = new();

    public SvgCanvas(string id, double width, double height, string title)
    {
        Width = width;
        Height = height;
        _sb.Append($"<svg id=\"{Esc(id)}\" class=\"chart\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" role=\"img\" aria-labelledby=\"{Esc(id)}-title\">\n");
        _sb.Append($"<title id=\"{Esc(id)}-title\">{Esc(title)}</title>\n");
    }

    public double Width { get; }

    public double Height { get; }

    /// <summary>Appends raw SVG markup (callers escape their text with <see cref="Esc"/>).</summary>
    public SvgCanvas Raw(string markup)
    {
        _sb.Append(markup).Append('\n');
        return this;
    }

    public SvgCanvas Text(double x, double y, string text, string cls, string anchor = "start", string? extra = null) =>
        Raw($"<text class=\"{cls}\" x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\"{(extra is null ? "" : " " + extra)}>{Esc(text)}</text>");

    public string Close() => _sb.Append("</svg>\n").ToString();

    public static string Esc(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A coordinate or size: invariant culture, at most one decimal.</summary>
    public static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A &lt;title&gt; child: the tooltip a browser shows on hover, with no script.</summary>
    public static string Tip(string? text) => text is null ? "" : $"<title>{Esc(text)}</title>";
}
