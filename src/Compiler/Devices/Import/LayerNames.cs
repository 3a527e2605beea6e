namespace OnnxCoDesign.Compiler.Devices.Import;

/// <summary>
/// The ONNX node names inside a TensorRT layer name. TensorRT names a layer after the ONNX node it came from
/// and a fused layer after all of them:
/// <list type="bullet">
/// <item>"Conv_0 + BatchNormalization_1 + Relu_2" (TensorRT 8, PyTorch 1.x exports);</item>
/// <item>"/layer1/layer1.0/conv1/Conv + /layer1/layer1.0/relu/Relu" (TensorRT 8.6/10, PyTorch 2 exports);</item>
/// <item>"PWN(PWN(Sigmoid_3), Mul_4)", "Conv_2 + PWN(Sigmoid_3, Mul_4)": pointwise fusions;</item>
/// <item>"Conv_0 || Conv_5": horizontal fusion; "{ForeignNode[/conv1/Conv.../relu/Relu]}": a Myelin region from
/// its first node to its last.</item>
/// </list>
/// Layers TensorRT adds itself name no node: "Reformatting CopyNode for Input Tensor 0 to Conv_0", "Conv_0 input
/// reformatter 0", "(Unnamed Layer* 12) [Shuffle]", "__myl_…" kernels. Matching is pure: a name is first
/// looked up whole (a node name may itself hold " + "), and only then split at the top level (outside
/// parentheses and brackets).
/// </summary>
public static class LayerNames
{
    /// <summary>A reference in a layer name: one node name, or a range From…To (a Myelin ForeignNode).</summary>
    public sealed record Reference(string From, string? To = null);

    private static readonly string[] Separators = [" + ", " || ", ", "];

    /// <summary>A layer TensorRT inserted to change a tensor's format or copy it: overhead, never a node's work.</summary>
    public static bool IsReformat(string layer) =>
        layer.StartsWith("Reformatting CopyNode", StringComparison.OrdinalIgnoreCase)
        || layer.Contains(" reformatter ", StringComparison.OrdinalIgnoreCase)
        || layer.EndsWith(" reformatter", StringComparison.OrdinalIgnoreCase)
        || layer.Contains("reformatted input", StringComparison.OrdinalIgnoreCase)
        || layer.StartsWith("Reformat ", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every reference the layer name makes to a known name (<paramref name="known"/>: a node or tensor name?).</summary>
    public static IReadOnlyList<Reference> References(string layer, Func<string, bool> known)
    {
        var found = new List<Reference>();
        Collect(layer.Trim(), known, found, depth: 0);
        return found;
    }

    private static void Collect(string text, Func<string, bool> known, List<Reference> found, int depth)
    {
        if (text.Length == 0 || depth > 64) return;
        if (known(text))
        {
            found.Add(new Reference(text));
            return;
        }
        var parts = SplitTop(text);
        if (parts.Count > 1)
        {
            foreach (var p in parts) Collect(p, known, found, depth + 1);
            return;
        }
        if (Unwrap(text, "PWN(", ")") is { } pointwise)
        {
            Collect(pointwise, known, found, depth + 1);
            return;
        }
        if ((Unwrap(text, "{ForeignNode[", "]}") ?? Unwrap(text, "ForeignNode[", "]")) is { } region)
        {
            var dots = region.IndexOf("...", StringComparison.Ordinal);
            if (dots > 0 && known(region[..dots]) && known(region[(dots + 3)..])) found.Add(new Reference(region[..dots], region[(dots + 3)..]));
            else Collect(region, known, found, depth + 1);
        }
    }

    private static string? Unwrap(string text, string open, string close) =>
        text.Length > open.Length + close.Length && text.StartsWith(open, StringComparison.Ordinal) && text.EndsWith(close, StringComparison.Ordinal)
            ? text[open.Length..^close.Length].Trim()
            : null;

    /// <summary>Splits at " + ", " || " and ", " outside (), [] and {}.</summary>
    private static List<string> SplitTop(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth = Math.Max(0, depth - 1);
            else if (depth == 0 && Separators.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0) is { } sep)
            {
                parts.Add(text[start..i].Trim());
                start = i + sep.Length;
                i = start - 1;
            }
        }
        parts.Add(text[start..].Trim());
        return parts.Where(p => p.Length > 0).ToList();
    }
}
