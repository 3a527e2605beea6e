using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// The element types a node's inputs are known to have (<see cref="StaticTypes"/>) against its schema's
/// type constraints: a string or int64 weight into a Conv, or a double bias beside a float weight, is a
/// model no runtime loads and whose bytes this tool would misread.
/// </summary>
internal static class NodeTypeCheck
{
    public static void Check(NodeSite site, OperatorSignature signature, IReadOnlyDictionary<string, StaticType> known)
    {
        var inputs = site.Node.Input;
        foreach (var group in signature.Types)
        {
            var slots = group.Slots.Length == 0 ? Enumerable.Range(0, inputs.Count) : group.Slots.Where(s => s < inputs.Count);
            (string Name, int Type)? first = null;
            foreach (var slot in slots)
            {
                var name = inputs[slot];
                if (name.Length == 0 || !known.TryGetValue(name, out var type)) continue;
                if (!TypeGroup.Admits(group.Class, type.ElemType))
                {
                    throw site.Fail(ErrorCodes.ElementTypeUnsupported,
                        $"input {slot} '{name}' is {ElementType.Name(type.ElemType)}; {site.Node.OpType} takes {TypeGroup.Describe(group.Class)} there");
                }
                if (!group.Same) continue;
                if (first is { } f && f.Type != type.ElemType)
                {
                    throw site.Fail(ErrorCodes.TypeMismatch,
                        $"inputs '{f.Name}' ({ElementType.Name(f.Type)}) and '{name}' ({ElementType.Name(type.ElemType)}) must have the same element type");
                }
                first ??= (name, type.ElemType);
            }
        }
    }
}
