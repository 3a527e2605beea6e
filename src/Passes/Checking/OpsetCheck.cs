using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// opset_import: every version is at least 1 (ONNX numbers operator sets from 1), and the default
/// domain's version is one this tool knows the operators of. A newer opset may change what an operator
/// means (ONNX Runtime refuses versions it does not know for the same reason), so it is refused rather
/// than read with an older schema. A model whose nodes use the default domain must import it.
/// </summary>
internal static class OpsetCheck
{
    /// <summary>The newest default-domain opset whose operators this tool was written against (ONNX 1.18).</summary>
    public const long NewestKnown = 23;

    public static void Check(ModelProto model, string? file)
    {
        foreach (var import in model.OpsetImport)
        {
            var domain = import.Domain is "" or "ai.onnx" ? "the default domain" : $"domain '{import.Domain}'";
            if (import.Version < 1)
            {
                throw new CodesignException(ErrorCodes.OpsetUnsupported,
                    $"the model imports opset {import.Version} of {domain}; opset versions start at 1", file);
            }
            if (IsDefault(import.Domain) && import.Version > NewestKnown)
            {
                throw new CodesignException(ErrorCodes.OpsetUnsupported,
                    $"the model imports opset {import.Version} of the default domain; this tool knows opsets 1 to {NewestKnown}", file);
            }
        }
        // IR 1 and 2 predate opset_import: their operators are opset 1.
        if (model.IrVersion < 3 || model.OpsetImport.Any(o => IsDefault(o.Domain))) return;
        var node = model.Graph.Node.FirstOrDefault(n => IsDefault(n.Domain));
        if (node is not null)
        {
            throw new NodeSite(node, file).Fail(ErrorCodes.OpsetUnsupported,
                "the node is in the default ONNX domain, which the model does not import (opset_import has no entry for it)");
        }
    }

    /// <summary>The default domain's opset (1 when not imported, as <see cref="IR.ModelGraph.Opset"/> reads it).</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(o => IsDefault(o.Domain))?.Version ?? 1;

    public static bool IsDefault(string domain) => domain is "" or "ai.onnx";
}
