using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.IR;

/// <summary>
/// Well-formedness: every tensor assigned once (by a node, an initializer or a graph input), every input
/// defined before use, every graph output produced. Acyclicity is checked when the order is built. Runs
/// after loading and, in tests, after every pass.
/// </summary>
public static class GraphVerifier
{
    public static void Verify(ModelGraph graph)
    {
        var file = graph.SourcePath;
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var initializer in graph.Proto.Initializer)
        {
            if (!defined.Add(initializer.Name))
            {
                throw new CodesignException(ErrorCodes.DuplicateDefinition, $"initializer '{initializer.Name}' is defined twice", file);
            }
        }
        foreach (var input in graph.Inputs)
        {
            if (!defined.Add(input.Name))
            {
                throw new CodesignException(ErrorCodes.DuplicateDefinition, $"graph input '{input.Name}' is defined twice", file);
            }
        }

        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs.Concat(node.ImplicitInputs).Where(i => i.Length > 0))
            {
                if (!defined.Contains(input))
                {
                    throw new CodesignException(ErrorCodes.UndefinedInput,
                        $"node '{node.Name}' ({node.OpType}) reads '{input}', which no node, initializer or graph input defines", file);
                }
            }
            foreach (var output in node.Outputs.Where(o => o.Length > 0))
            {
                if (!defined.Add(output))
                {
                    throw new CodesignException(ErrorCodes.DuplicateDefinition,
                        $"tensor '{output}' is assigned more than once (again by node '{node.Name}')", file);
                }
            }
        }

        foreach (var output in graph.Outputs)
        {
            if (!defined.Contains(output.Name))
            {
                throw new CodesignException(ErrorCodes.OutputNotProduced, $"graph output '{output.Name}' is not produced by any node", file);
            }
        }
    }
}
