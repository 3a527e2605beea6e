using System.Globalization;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Rewrite.Fusion;

/// <summary>
/// Which strategy each block gets: a default, overridden by regions of blocks counted in topological order
/// (0-based, inclusive). A later region wins where regions overlap, so a plan can set a range and then
/// single blocks inside it. Blocks can also be named by their output tensor (<see cref="Block"/>), which wins
/// over regions: this is how the planner gives each part's blocks that part's strategy.
/// </summary>
public sealed class StrategyPlan
{
    private readonly List<(int From, int To, FusionStrategy Strategy)> _regions = new();
    private readonly Dictionary<string, FusionStrategy> _named = new(StringComparer.Ordinal);

    public StrategyPlan(FusionStrategy fallback = FusionStrategy.S1) => Default = fallback;

    public FusionStrategy Default { get; }

    public IReadOnlyList<(int From, int To, FusionStrategy Strategy)> Regions => _regions;

    public StrategyPlan Region(int from, int to, FusionStrategy strategy)
    {
        if (from < 0 || to < from) throw new CodesignException(ErrorCodes.UsageError, $"block range {from}-{to} is empty or negative");
        _regions.Add((from, to, strategy));
        return this;
    }

    /// <summary>Gives the block whose output tensor is <paramref name="output"/> its own strategy.</summary>
    public StrategyPlan Block(string output, FusionStrategy strategy)
    {
        _named[output] = strategy;
        return this;
    }

    /// <summary>The strategy of block number <paramref name="block"/> with output tensor <paramref name="output"/>.</summary>
    public FusionStrategy For(int block, string output) => _named.TryGetValue(output, out var s) ? s : For(block);

    public FusionStrategy For(int block)
    {
        for (var i = _regions.Count - 1; i >= 0; i--)
        {
            if (block >= _regions[i].From && block <= _regions[i].To) return _regions[i].Strategy;
        }
        return Default;
    }

    /// <summary>Parses <c>FROM-TO=S</c> or <c>N=S</c> (as the CLI's --blocks takes it).</summary>
    public StrategyPlan Region(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0) throw Malformed(text);
        var range = text[..eq].Split('-');
        if (range.Length > 2 || !int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)) throw Malformed(text);
        var to = from;
        if (range.Length == 2 && !int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out to)) throw Malformed(text);
        return Region(from, to, FusionStrategies.Parse(text[(eq + 1)..]));
    }

    private static CodesignException Malformed(string text) =>
        new(ErrorCodes.UsageError, $"--blocks '{text}' does not parse: expected FROM-TO=S or N=S, for example 0-3=S2");
}
