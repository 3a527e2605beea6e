namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// A run of nodes between two candidate cuts of the BN-folded model: the smallest piece a part is made of.
/// <see cref="BaseNodes"/> are its node names in that model; <see cref="Blocks"/> the RepVGG blocks in it
/// (by block index), whose nodes a strategy replaces; <see cref="LastPosition"/> the topological position of
/// its last node, where the cut after it is.
/// </summary>
public sealed record PlanningUnit(int Index, IReadOnlyList<string> BaseNodes, IReadOnlyList<int> Blocks, int LastPosition)
{
    public bool HasBlocks => Blocks.Count > 0;

    public string Name => BaseNodes.Count == 1 ? BaseNodes[0] : $"{BaseNodes[0]} … {BaseNodes[^1]}";
}
