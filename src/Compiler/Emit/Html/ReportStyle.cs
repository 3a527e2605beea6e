namespace OnnxCoDesign.Compiler.Emit.Html;

/// <summary>
/// The report's stylesheet, inline so the page needs nothing else. Chart marks are styled by class
/// (dev0…dev5 per device, s1…s4 per strategy), so the SVG markup stays small and the tests can find them.
/// </summary>
public static class ReportStyle
{
    public const string Css = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d2330; margin: 24px auto; max-width: 1080px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #d7dbe3; padding-bottom: 3px; }
.setup, .caption { color: #4a5263; margin: 4px 0 8px; max-width: 900px; }
.plan-sentence { font-size: 15px; margin: 6px 0 8px; max-width: 900px; }
td.role { color: #4a5263; font-style: italic; } tr.relay td { background: #f6f7fa; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 10px 0; }
dl.summary dt { color: #4a5263; } dl.summary dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
th, td { border: 1px solid #d7dbe3; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f1f3f7; font-weight: 600; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; max-width: 100%; }
th, td { white-space: nowrap; }
td.tensors { white-space: normal; font-size: 12px; min-width: 190px; max-width: 260px; overflow-wrap: anywhere; }
tr.chosen td { background: #fff6dc; font-weight: 600; }
footer { color: #6b7385; font-size: 12px; margin: 28px 0 8px; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg .dev0 { stroke: #1f6fb4; fill: #1f6fb4; } svg .dev1 { stroke: #d1492c; fill: #d1492c; }
svg .dev2 { stroke: #2e9a4a; fill: #2e9a4a; } svg .dev3 { stroke: #8a4fc2; fill: #8a4fc2; }
svg .dev4 { stroke: #c98a00; fill: #c98a00; } svg .dev5 { stroke: #6d5a4a; fill: #6d5a4a; }
svg .st1 { fill: #4e79a7; } svg .st2 { fill: #f28e2b; } svg .st3 { fill: #59a14f; } svg .st4 { fill: #b07aa1; }
svg .grid { stroke: #e6e9ef; stroke-width: 1; }
svg .frame { fill: none; stroke: #8a92a3; stroke-width: 1; }
svg .tick { font-size: 11px; fill: #4a5263; }
svg .axis-title { font-size: 12px; fill: #1d2330; }
svg .legend { font-size: 12px; fill: #1d2330; }
svg .legend-line { stroke-width: 3; }
svg .roof { fill: none; stroke-width: 2.5; }
svg .ridge { stroke-width: 1; stroke-dasharray: 3 3; opacity: .7; }
svg .ridge-label { font-size: 11px; stroke: none; }
svg .ridge-point { stroke: #fff; stroke-width: 1; }
svg .part-point { stroke: #fff; stroke-width: 1.5; }
svg .part-predicted { fill: #fff; stroke-width: 2; }
svg .key-solid { fill: #4a5263; stroke: #fff; stroke-width: 1.5; } svg .key-hollow { fill: #fff; stroke: #4a5263; stroke-width: 2; }
svg .part-gap { fill: none; stroke-width: 1; stroke-dasharray: 2 3; }
svg .part-label { font-size: 12px; font-weight: 600; stroke: none; }
svg .sweep-line, svg .key-line { fill: none; }
svg .sweep-line.best, svg .key-line.best { stroke: #1d3f73; stroke-width: 4; stroke-opacity: .55; }
svg .sweep-line.s1, svg .key-line.s1 { stroke: #7a3e9d; stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .sweep-point.best, svg .sweep-key.best { fill: #1d3f73; stroke: none; }
svg .sweep-point.s1, svg .sweep-key.s1 { fill: none; stroke: #7a3e9d; stroke-width: 1.5; }
svg .seg { stroke: #fff; stroke-width: .5; }
svg .seg-first { fill: #1f6fb4; fill-opacity: .55; } svg .seg-later { fill: #d1492c; fill-opacity: .5; }
svg .seg-transfer { fill: #8a92a3; fill-opacity: .45; } svg .seg-return { fill: #c98a00; fill-opacity: .4; }
svg .tick-second { fill: #6b7385; font-style: italic; }
svg .baseline-clipped { fill: #c0392b; stroke: none; }
svg .clipped-label { font-size: 11px; fill: #c0392b; }
svg .chosen-cut { stroke: #e0a100; stroke-width: 2; stroke-dasharray: 6 3; }
svg .chosen-point, svg .pareto-chosen, svg .key-chosen { fill: none; stroke: #e0a100; stroke-width: 3; }
svg .chosen-label { font-size: 12px; font-weight: 600; fill: #a87800; }
svg .baseline-mark, svg .key-baseline { fill: #c0392b; stroke: #fff; stroke-width: 1; }
svg .baseline-label { font-size: 11px; font-weight: 600; fill: #c0392b; }
svg .pareto-point, svg .key-front { fill: #1d3f73; }
svg .pareto-step, svg .key-step { fill: none; stroke: #1d3f73; stroke-width: 1.5; }
svg .block-strategy { stroke: #fff; stroke-width: 1; }
svg .cell-label { font-size: 10px; fill: #fff; pointer-events: none; }
svg .strip-label { font-size: 12px; font-weight: 600; fill: #1d2330; }
svg .strip-note { font-size: 12px; fill: #6b7385; }
details summary { cursor: pointer; color: #4a5263; margin: 6px 0; }

""";
}
