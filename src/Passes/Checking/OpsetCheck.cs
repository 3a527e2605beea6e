using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Checking;

/// <summary>
/// ir_version and opset_import. The IR version is one ONNX Runtime reads (at most <see cref="NewestIr"/>);
/// every opset version is at least 1 (ONNX numbers operator sets from 1) and each domain is imported once
/// (two versions of one domain leave the nodes' meaning ambiguous: ONNX Runtime picks one silently). The
/// default domain's version is one this tool knows the operators of, <see cref="OldestKnown"/> to
/// <see cref="NewestKnown"/>: a newer opset may change what an operator means (ONNX Runtime refuses
/// versions it does not know for the same reason), and opsets before 7 give operators attributes the
/// tool does not model (Add's broadcast and axis, consumed_inputs) while ONNX Runtime has no kernels for
/// many of their operators (Add, Gemm and BatchNormalization start at 7). A model whose nodes use the
/// default domain must import it.
/// </summary>
public static class OpsetCheck
{
    /// <summary>The newest default-domain opset whose operators this tool was written against (ONNX 1.18).</summary>
    public const long NewestKnown = 23;

    /// <summary>The oldest default-domain opset the tool reads: ONNX Runtime's own floor of support.</summary>
    public const long OldestKnown = 7;

    /// <summary>The newest IR version the ONNX Runtime the tool verifies with loads (1.31: IR 13).</summary>
    public const long NewestIr = 13;

    public static void Check(ModelProto model, string? file)
    {
        if (model.IrVersion > NewestIr)
        {
            throw new CodesignException(ErrorCodes.OpsetUnsupported,
                $"the model's IR version is {model.IrVersion}; ONNX Runtime and this tool read IR versions up to {NewestIr}", file);
        }
        var imported = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var import in model.OpsetImport)
        {
            var domain = IsDefault(import.Domain) ? "the default domain" : $"domain '{import.Domain}'";
            if (import.Version < 1)
            {
                throw new CodesignException(ErrorCodes.OpsetUnsupported,
                    $"the model imports opset {import.Version} of {domain}; opset versions start at 1", file);
            }
            if (!imported.TryAdd(IsDefault(import.Domain) ? "" : import.Domain, import.Version))
            {
                throw new CodesignException(ErrorCodes.OpsetUnsupported,
                    $"the model imports {domain} twice (opsets {imported[IsDefault(import.Domain) ? "" : import.Domain]} and {import.Version}); import each domain once", file);
            }
            if (IsDefault(import.Domain) && import.Version is > NewestKnown or < OldestKnown)
            {
                throw new CodesignException(ErrorCodes.OpsetUnsupported,
                    $"the model imports opset {import.Version} of the default domain; this tool knows opsets {OldestKnown} to {NewestKnown}", file);
            }
        }
        if (imported.ContainsKey("")) return;
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
