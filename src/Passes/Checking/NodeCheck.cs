using Onnx;
using OnnxCoDesign.Passes.Diagnostics;
using static Onnx.AttributeProto.Types;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// A node of a known operator against its schema (<see cref="OperatorSignatures"/>): the operator exists at
/// the model's opset, the input and output counts are within its bounds, required inputs and outputs name
/// a tensor, required attributes are present, every attribute is one it defines, of the kind it defines.
/// Nodes of other domains and unknown operators pass untouched: later stages name them.
/// </summary>
internal static class NodeCheck
{
    private static readonly string[] ConstantValues =
        ["value", "sparse_value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings"];

    /// <returns>False when the node is not of an operator the checker knows.</returns>
    public static bool Check(NodeSite site, long opset, out OperatorSignature signature)
    {
        signature = null!;
        var node = site.Node;
        if (!OpsetCheck.IsDefault(node.Domain) || OperatorSignatures.Find(node.OpType) is not { } entry) return false;
        var found = entry.At(opset);
        if (found is null)
        {
            throw site.Fail(ErrorCodes.OpsetUnsupported, $"{node.OpType} exists from opset {entry.Versions[0].Since}; the model imports opset {opset}");
        }
        signature = found;
        CheckCount(site, "inputs", node.Input.Count, found.MinInputs, found.MaxInputs);
        CheckCount(site, "outputs", node.Output.Count, found.MinOutputs, found.MaxOutputs);
        for (var i = 0; i < found.MinInputs; i++)
        {
            if (node.Input[i].Length == 0) throw site.Fail(ErrorCodes.RequiredInputMissing, $"input {i} is required but its name is empty");
        }
        for (var i = 0; i < found.MinOutputs; i++)
        {
            if (node.Output[i].Length == 0) throw site.Fail(ErrorCodes.NodeArity, $"output {i} is required but its name is empty");
        }
        foreach (var attribute in node.Attribute)
        {
            // ONNX Runtime refuses an attribute the schema does not define; the table holds the union over
            // the versions the tool reads, so one an older version dropped passes here (the runtime then says).
            if (!entry.Attributes.TryGetValue(attribute.Name, out var kind))
            {
                var defined = entry.Attributes.Count == 0 ? "none" : string.Join(", ", entry.Attributes.Keys.Order(StringComparer.Ordinal));
                throw site.Fail(ErrorCodes.AttributeUnknown, $"{node.OpType} has no attribute '{Printable(attribute.Name)}' (it defines {defined})");
            }
            CheckKind(site, attribute, kind);
        }
        foreach (var name in found.RequiredAttributes.Where(n => node.Attribute.All(a => a.Name != n)))
        {
            throw site.Fail(ErrorCodes.AttributeMissing, $"attribute '{name}' is required");
        }
        if (node.OpType == "Constant") CheckConstant(site);
        return true;
    }

    /// <summary>A name from a damaged file, fit for a one-line message.</summary>
    private static string Printable(string name) =>
        new string(name.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + (name.Length > 64 ? "…" : "");

    private static void CheckCount(NodeSite site, string what, int count, int min, int max)
    {
        if (count >= min && count <= max) return;
        var allowed = min == max ? $"{min}" : max == OperatorSignatures.VariadicLimit ? $"{min} to {max} (this tool's bound)" : $"{min} to {max}";
        throw site.Fail(ErrorCodes.NodeArity, $"has {count} {what}; {site.Node.OpType} takes {allowed}");
    }

    private static void CheckKind(NodeSite site, AttributeProto attribute, AttributeType kind)
    {
        if (attribute.Type != kind)
        {
            var given = attribute.Type == AttributeType.Undefined ? "has no type" : $"is {Name(attribute.Type)}";
            throw site.Fail(ErrorCodes.AttributeType, $"attribute '{attribute.Name}' {given}; {site.Node.OpType} takes it as {Name(kind)}");
        }
        var empty = kind switch
        {
            AttributeType.Tensor => attribute.T is null,
            AttributeType.SparseTensor => attribute.SparseTensor is null,
            _ => false,
        };
        if (empty) throw site.Fail(ErrorCodes.AttributeType, $"attribute '{attribute.Name}' is {Name(kind)} but holds none");
    }

    /// <summary>A Constant holds exactly one value attribute (ONNX: "exactly one of the attributes").</summary>
    private static void CheckConstant(NodeSite site)
    {
        var values = site.Node.Attribute.Count(a => ConstantValues.Contains(a.Name));
        if (values == 0) throw site.Fail(ErrorCodes.AttributeMissing, $"a Constant needs one of the attributes {string.Join(", ", ConstantValues)}");
        if (values > 1) throw site.Fail(ErrorCodes.AttributeType, $"has {values} value attributes; a Constant takes exactly one");
    }

    private static string Name(AttributeType kind) => kind.ToString().ToUpperInvariant();
}
