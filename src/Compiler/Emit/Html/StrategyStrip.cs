using OnnxCoDesign.Compiler.Emit.Svg;
using OnnxCoDesign.Compiler.Pipeline;
using OnnxCoDesign.Passes.Rewrite.Fusion;

namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// The strategy of every RepVGG block as a strip: one row per part (its device named), one cell per block
/// in model order, coloured by strategy, wrapping when a part has many blocks. Hovering a cell names the block.
/// </summary>
public static class StrategyStrip
{
    public const string Id = "strategy-strip";

    /// <summary>What each strategy keeps (DESIGN.md), for the legend.</summary>
    public static readonly string[] Meaning = ["fused 3×3 only", "3×3 + identity", "3×3 + 1×1", "all three branches"];

    public static string Render(CompileOutcome o)
    {
        const double left = 190, cell = 26, gap = 3, rowHeight = 34, width = 820;
        var perRow = (int)((width - left - 10) / (cell + gap));
        var blocks = o.Plan.Fusion.Blocks;
        var rows = o.Plan.Parts.Select(p => (Part: p, Blocks: blocks.Where(b => p.Blocks.Contains(b.Index)).OrderBy(b => b.Index).ToList())).ToList();
        var lines = rows.Sum(r => Math.Max(1, (r.Blocks.Count + perRow - 1) / perRow));
        var svg = new SvgCanvas(Id, width, 40 + lines * rowHeight, "Fusion strategy of every RepVGG block, by part");

        // Legend on top.
        foreach (var strategy in Enum.GetValues<FusionStrategy>())
        {
            var x = 10 + strategy.Index() * 200;
            svg.Raw($"<rect class=\"legend-cell st{(int)strategy}\" x=\"{SvgCanvas.N(x)}\" y=\"6\" width=\"14\" height=\"14\"/>");
            svg.Text(x + 20, 18, $"{strategy}: {Meaning[strategy.Index()]}", "legend");
        }
        var y = 34.0;
        foreach (var (part, partBlocks) in rows)
        {
            svg.Text(8, y + 18, $"part{part.Index} ({part.Device.Name})", "strip-label");
            if (partBlocks.Count == 0) svg.Text(left, y + 18, Note(o, part.Index), "strip-note");
            for (var i = 0; i < partBlocks.Count; i++)
            {
                var b = partBlocks[i];
                var (row, col) = (i / perRow, i % perRow);
                var (x, cy) = (left + col * (cell + gap), y + row * rowHeight);
                svg.Raw($"<rect class=\"block-strategy st{(int)b.Strategy}\" data-block=\"{b.Index}\" data-strategy=\"{b.Strategy}\" x=\"{SvgCanvas.N(x)}\" y=\"{SvgCanvas.N(cy + 2)}\" width=\"{cell}\" height=\"{cell - 4}\">" +
                        $"{SvgCanvas.Tip($"block {b.Index} {b.Name}: {b.Strategy} ({b.Result}), part{part.Index}")}</rect>");
                svg.Text(x + cell / 2, cy + 18, $"{b.Index}", "cell-label", "middle");
            }
            y += Math.Max(1, (partBlocks.Count + perRow - 1) / perRow) * rowHeight;
        }
        return svg.Close();
    }

    private static string Note(CompileOutcome o, int part) => PartRoles.Of(o, part) switch
    {
        PartRole.Compute => "no RepVGG blocks",
        PartRole.Relay => "relay: forwards what crosses, no model",
        PartRole.Source => "sends the input on, no model",
        PartRole.Sink => "receives the results, no model",
        _ => "idle, no model",
    };
}
