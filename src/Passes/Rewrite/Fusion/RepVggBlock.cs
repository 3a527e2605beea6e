using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

public enum BranchKind { Main, OneByOne, Identity }

/// <summary>
/// One branch of a block: a Conv (with its BN when the export kept BN separate), or the identity — a BN
/// of the block input, or the input itself (<see cref="Conv"/> and <see cref="Bn"/> both null).
/// </summary>
public sealed record Branch(BranchKind Kind, GraphNode? Conv, GraphNode? Bn, string Output)
{
    public IEnumerable<GraphNode> Nodes => new[] { Conv, Bn }.Where(n => n is not null)!;
}

/// <summary>
/// A matched RepVGG block: an Add tree over a k×k conv branch, an optional 1×1 conv branch and an optional
/// identity, all reading <see cref="Input"/>, with the same stride, groups and output channels
/// (<see cref="Channels"/>); each output channel reads <see cref="InPerGroup"/> input channels.
/// </summary>
public sealed record RepVggBlock(
    string Name,
    string Input,
    string Output,
    IReadOnlyList<GraphNode> AddTree,
    Branch Main,
    Branch? OneByOne,
    Branch? Identity,
    long Kernel,
    long Stride,
    long Groups,
    long Channels,
    long InPerGroup)
{
    public IEnumerable<Branch> Branches => new[] { Main, OneByOne, Identity }.Where(b => b is not null)!;

    /// <summary>Every node the block consists of: the branches' convs and BNs and the Add tree.</summary>
    public IEnumerable<GraphNode> Nodes => Branches.SelectMany(b => b.Nodes).Concat(AddTree);

    public string BranchText => string.Join(" + ", Branches.Select(b => b.Kind switch
    {
        BranchKind.Main => $"{Kernel}x{Kernel}{(b.Bn is null ? "" : "+bn")}",
        BranchKind.OneByOne => b.Bn is null ? "1x1" : "1x1+bn",
        _ => b.Bn is null ? "identity" : "identity-bn",
    }));
}
