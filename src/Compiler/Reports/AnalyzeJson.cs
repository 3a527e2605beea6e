using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Compiler.Schema;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Reports;

/// <summary>analyze's JSON (<see cref="AnalyzeDocument"/>): model totals, unknown operators, warnings, the per-operator summary and every node.</summary>
public static class AnalyzeJson
{
    public static string Write(ModelAnalysis a) => CodesignJson.Write(Document(a), CodesignJsonWriter.Default.AnalyzeDocument);

    public static AnalyzeDocument Document(ModelAnalysis a)
    {
        var cost = a.Cost;
        var kernels = a.Kernels;
        return new AnalyzeDocument
        {
            Model = a.DisplayName,
            IrVersion = a.Graph.Model.IrVersion,
            Opset = a.Graph.Opset,
            Inputs = Values(a.Graph.Inputs.Select(i => i.Name), a),
            Outputs = Values(a.Graph.Outputs.Select(o => o.Name), a),
            Flops = cost.Flops,
            Macs = cost.Macs,
            Bytes = cost.Bytes,
            Intensity = CodesignJson.Real(cost.Intensity),
            PaperIntensity = CodesignJson.Real(cost.PaperIntensity),
            WeightBytes = cost.WeightBytes,
            ActivationBytes = cost.ActivationBytes,
            Parameters = cost.Parameters,
            CostComplete = !cost.IsPartial,
            UnknownOps = cost.UnknownNodes.Select(n => new AnalyzeUnknownOp { Name = n.Node, Op = n.OpType }).ToList(),
            Warnings = Warnings.From(a.Diagnostics),
            Operators = cost.Operators.Select(s => new AnalyzeOperator
            {
                Op = s.OpType,
                Count = s.Count,
                Flops = s.Flops,
                Bytes = s.Bytes,
                Unknown = s.UnknownCount,
            }).ToList(),
            Nodes = cost.Nodes.Select(n => new AnalyzeNode
            {
                Name = n.Node,
                Op = n.OpType,
                Outputs = n.Outputs,
                Shapes = n.Shapes,
                Flops = n.Flops,
                Macs = n.Macs,
                BytesRead = n.BytesRead,
                BytesWritten = n.BytesWritten,
                Bytes = n.Bytes,
                Intensity = CodesignJson.Real(n.Intensity),
                Kernel = kernels.Of(n.Node).Name,
            }).ToList(),
            Kernels = kernels.Kernels.Select(k => new AnalyzeKernel
            {
                Name = k.Name,
                Kind = k.Kind.ToString().ToLowerInvariant(),
                Op = k.OpType,
                Nodes = k.Nodes,
                Flops = k.Flops,
                Bytes = k.Bytes,
            }).ToList(),
        };
    }

    private static List<AnalyzeValue> Values(IEnumerable<string> tensors, ModelAnalysis a) => tensors.Select(t =>
    {
        var info = a.Shapes.TypeOf(t);
        return new AnalyzeValue { Name = t, Type = info is null ? "?" : ElementType.Name(info.ElemType), Shape = info?.ShapeText ?? "?" };
    }).ToList();
}
