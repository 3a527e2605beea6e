using System.Globalization;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Shapes;

/// <summary>
/// What the user said about symbolic dimensions: <c>--shape input=1x3x224x224</c> gives a whole input
/// shape; <c>--shape batch=4</c> binds a named dimension (a dim_param) wherever it appears.
/// </summary>
public sealed class ShapeBindings
{
    private readonly Dictionary<string, long[]> _bindings = new(StringComparer.Ordinal);

    public static ShapeBindings Empty => new();

    public IReadOnlyDictionary<string, long[]> Items => _bindings;

    /// <summary>Parses one <c>NAME=D1xD2x…</c> option. Throws OCD1304 when it does not parse.</summary>
    public static (string Name, long[] Dims) ParseOption(string text)
    {
        var eq = text.LastIndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
        {
            throw Malformed(text, "expected NAME=DIMS, for example input=1x3x224x224");
        }
        var name = text[..eq].Trim();
        var parts = text[(eq + 1)..].Split('x', ',');
        var dims = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0)
            {
                throw Malformed(text, $"dimension '{parts[i]}' is not a positive integer");
            }
        }
        return (name, dims);
    }

    public static ShapeBindings Parse(IEnumerable<string> options)
    {
        var result = new ShapeBindings();
        foreach (var option in options)
        {
            var (name, dims) = ParseOption(option);
            if (!result._bindings.TryAdd(name, dims)) throw Malformed(option, $"'{name}' is given twice");
        }
        return result;
    }

    public ShapeBindings Add(string name, params long[] dims)
    {
        _bindings[name] = dims;
        return this;
    }

    public bool TryGet(string name, out long[] dims) => _bindings.TryGetValue(name, out dims!);

    private static CodesignException Malformed(string text, string why) =>
        new(ErrorCodes.ShapeOptionMalformed, $"--shape '{text}' does not parse: {why}");
}
