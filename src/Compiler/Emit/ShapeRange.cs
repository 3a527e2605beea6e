using System.Globalization;
using Onnx;
using OnnxCoDesign.Compiler.Planning;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.Shapes;

namespace OnnxCoDesign.Compiler.Emit;

/// <summary>A dynamic input's TensorRT optimization profile: any shape from <see cref="Min"/> to <see cref="Max"/>, tuned for <see cref="Opt"/>.</summary>
public sealed record ShapeRange(long[] Min, long[] Opt, long[] Max);

/// <summary>
/// compile --shape-range NAME=MIN:OPT:MAX (repeatable; each like 1x3x224x224) for the model's dynamic inputs. The plan is
/// costed, verified and its parts cut at OPT: the range binds NAME to OPT as --shape NAME=OPT would (a --shape for the same
/// input, or for a symbolic dimension of it, must agree with OPT). The part that reads NAME is written with NAME's
/// symbolic dimensions as the model declares them, and build-engines.sh builds it with --minShapes/--optShapes/--maxShapes;
/// the other parts keep the sizes OPT gives them (a range over a dimension that reaches a cut serves only the first part's
/// engine; the parts after it are built for OPT).
/// </summary>
public static class ShapeRanges
{
    public const string Option = "--shape-range";

    /// <summary>Parses the options; OCD1630 for one that does not parse or an input named twice.</summary>
    public static IReadOnlyDictionary<string, ShapeRange> Parse(IEnumerable<string> options)
    {
        var ranges = new Dictionary<string, ShapeRange>(StringComparer.Ordinal);
        foreach (var text in options)
        {
            var eq = text.LastIndexOf('=');
            if (eq <= 0) throw Malformed(text, "expected NAME=MIN:OPT:MAX, for example input=1x3x224x224:4x3x224x224:8x3x224x224");
            var name = text[..eq].Trim();
            var shapes = text[(eq + 1)..].Split(':');
            if (shapes.Length != 3) throw Malformed(text, $"expected three shapes MIN:OPT:MAX, not {shapes.Length}");
            var dims = shapes.Select(s => Dims(text, s)).ToArray();
            if (!ranges.TryAdd(name, new ShapeRange(dims[0], dims[1], dims[2]))) throw Malformed(text, $"'{name}' is given twice");
        }
        return ranges;
    }

    /// <summary>
    /// Checks the ranges against the model's declared inputs, before any work: OCD1631 unknown input, OCD1632 an input with
    /// no symbolic dimension, OCD1633 rank, OCD1634 MIN ≤ OPT ≤ MAX, OCD1635 a fixed dimension given another size.
    /// </summary>
    public static void Check(IReadOnlyDictionary<string, ShapeRange> ranges, ModelProto model, string? file)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        foreach (var (name, range) in ranges.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var input = inputs.FirstOrDefault(i => i.Name == name) ?? throw new CodesignException(ErrorCodes.ShapeRangeUnknownInput,
                $"{Option} '{name}': the model has no input of that name (inputs: {string.Join(", ", inputs.Select(i => i.Name))})", file);
            var declared = input.Type?.TensorType?.Shape?.Dim;
            if (declared is not null && declared.All(Fixed))
            {
                throw new CodesignException(ErrorCodes.ShapeRangeStaticInput,
                    $"{Option} '{name}': the input's shape is fixed ({string.Join('x', declared.Select(d => d.DimValue))}); a range needs a symbolic dimension", file);
            }
            var rank = range.Opt.Length;
            if (range.Min.Length != rank || range.Max.Length != rank || (declared is not null && declared.Count != rank))
            {
                throw new CodesignException(ErrorCodes.ShapeRangeRankMismatch,
                    $"{Option} '{name}': ranks {range.Min.Length}:{range.Opt.Length}:{range.Max.Length}, but the input has rank {declared?.Count ?? rank}", file);
            }
            for (var d = 0; d < rank; d++)
            {
                if (range.Min[d] > range.Opt[d] || range.Opt[d] > range.Max[d])
                {
                    throw new CodesignException(ErrorCodes.ShapeRangeOrder,
                        $"{Option} '{name}': dimension {d} is {range.Min[d]}:{range.Opt[d]}:{range.Max[d]}, not MIN ≤ OPT ≤ MAX", file);
                }
                if (declared is not null && Fixed(declared[d]) && new[] { range.Min[d], range.Opt[d], range.Max[d] }.Any(x => x != declared[d].DimValue))
                {
                    throw new CodesignException(ErrorCodes.ShapeRangeFixedDimension,
                        $"{Option} '{name}': dimension {d} is fixed at {declared[d].DimValue} in the model, not {range.Min[d]}:{range.Opt[d]}:{range.Max[d]}", file);
                }
            }
        }
    }

    /// <summary>
    /// The bindings compile plans with: <paramref name="bindings"/> plus NAME=OPT for each range. OCD1636 where --shape
    /// binds the same input, or a symbolic dimension of it, to another size than OPT.
    /// </summary>
    public static ShapeBindings Bind(IReadOnlyDictionary<string, ShapeRange> ranges, ShapeBindings bindings, ModelProto model, string? file)
    {
        var result = new ShapeBindings();
        foreach (var (k, v) in bindings.Items) result.Add(k, v);
        foreach (var (name, range) in ranges.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (bindings.TryGet(name, out var given) && !given.SequenceEqual(range.Opt))
            {
                throw Conflict(name, range, $"--shape {name}={Text(given)}", file);
            }
            var declared = model.Graph.Input.First(i => i.Name == name).Type?.TensorType?.Shape?.Dim;
            for (var d = 0; declared is not null && d < declared.Count; d++)
            {
                var symbol = declared[d].DimParam;
                if (!Fixed(declared[d]) && symbol.Length > 0 && bindings.TryGet(symbol, out var bound) && bound.Length == 1 && bound[0] != range.Opt[d])
                {
                    throw Conflict(name, range, $"--shape {symbol}={bound[0]}", file);
                }
            }
            result.Add(name, range.Opt);
        }
        return result;
    }

    /// <summary>
    /// The plan with each ranged input declared in the part that reads it as the model declares it (its symbolic
    /// dimensions back in place of the sizes OPT bound), so TensorRT takes the part as dynamic and builds the profile.
    /// </summary>
    public static RealizedPlan Declare(RealizedPlan plan, IReadOnlyDictionary<string, ShapeRange> ranges, ModelProto model)
    {
        if (ranges.Count == 0) return plan;
        var parts = plan.Parts.Select(part =>
        {
            if (part.Model is null || !part.Model.Graph.Input.Any(i => ranges.ContainsKey(i.Name))) return part;
            var copy = part.Model.Clone();
            foreach (var input in copy.Graph.Input.Where(i => ranges.ContainsKey(i.Name)))
            {
                var original = model.Graph.Input.First(i => i.Name == input.Name).Type?.TensorType?.Shape;
                var shape = input.Type?.TensorType?.Shape;
                if (original is null || shape is null || original.Dim.Count != shape.Dim.Count) continue;
                for (var d = 0; d < shape.Dim.Count; d++)
                {
                    if (!Fixed(original.Dim[d])) shape.Dim[d] = original.Dim[d].Clone();
                }
            }
            return part with { Model = copy };
        }).ToList();
        return plan with { Parts = parts };
    }

    private static bool Fixed(TensorShapeProto.Types.Dimension d) =>
        d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0;

    private static long[] Dims(string text, string shape)
    {
        var parts = shape.Split('x');
        var dims = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0)
            {
                throw Malformed(text, $"dimension '{parts[i]}' is not a positive integer");
            }
        }
        return dims;
    }

    private static string Text(long[] dims) => string.Join('x', dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    private static CodesignException Conflict(string name, ShapeRange range, string other, string? file) =>
        new(ErrorCodes.ShapeRangeConflict, $"{Option} '{name}': OPT {Text(range.Opt)} is what the plan is costed at, but {other} says otherwise; drop one or make them agree", file);

    private static CodesignException Malformed(string text, string why) =>
        new(ErrorCodes.ShapeRangeMalformed, $"{Option} '{text}' does not parse: {why}");
}
