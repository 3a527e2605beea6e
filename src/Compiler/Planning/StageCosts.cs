using OnnxCoDesign.Passes.Rewrite.Fusion;
using OnnxCoDesign.Compiler.Devices;

namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// Seconds of one part (units a..b) on one device with one strategy, by either cost model:
/// <list type="bullet">
/// <item>roofline (default): Σ over the part's kernels (or nodes, at node level) of max(flops/(P·ηc), bytes/(B·ηm)) +
/// per-kernel overhead, precomputed per unit, with the corrections for kernels a cut splits
/// (<see cref="PlanningProblem.SecondsBeforeCut"/>);</item>
/// <item>paper (the seed's Eq. 1–8, whole sub-model): with F the part's FLOPs, M its bytes and I = F/M,
/// T = F / (ηc · min(P, I·B)) — the device reaches P only when I is at least its ridge P/B.</item>
/// </list>
/// Also the part's share α of the model (its FLOPs in the unfused model over all) and whether it has blocks.
/// </summary>
public sealed class StageCosts
{
    private readonly PlanningProblem _p;
    private readonly double[][][] _seconds;   // [device][strategy][unit+1] prefix sums
    private readonly double[][] _flops, _bytes; // [strategy][unit+1]
    private readonly double[] _base;
    private readonly int[] _blocks;
    private readonly double[][][]? _accuracy; // [device][strategy][unit+1] prefix sums of a measured table

    public StageCosts(PlanningProblem problem)
    {
        _p = problem;
        _seconds = problem.UnitSeconds.Select(d => d.Select(Prefix).ToArray()).ToArray();
        _flops = problem.UnitFlops.Select(Prefix).ToArray();
        _bytes = problem.UnitPaperBytes.Select(Prefix).ToArray();
        _base = Prefix(problem.BaseFlops);
        _blocks = new int[problem.Units + 1];
        for (var i = 0; i < problem.Units; i++) _blocks[i + 1] = _blocks[i] + (problem.IsBlock[i] ? 1 : 0);
        _accuracy = problem.UnitAccuracyCost?.Select(d => d.Select(Prefix).ToArray()).ToArray();
    }

    public PlanningProblem Problem => _p;

    /// <summary>Seconds of units first..last (inclusive; empty when last &lt; first) on device d with strategy s.</summary>
    public double Stage(int device, FusionStrategy strategy, int first, int last) => Stage(device, strategy.Index(), first, last);

    private double Stage(int device, int strategy, int first, int last)
    {
        if (last < first) return 0;
        if (_p.CostModel == CostModelKind.Roofline)
        {
            var seconds = _seconds[device][strategy][last + 1] - _seconds[device][strategy][first];
            if (_p.SecondsBeforeCut is { } before && Interior(last)) seconds += before[device][strategy][last + 1];
            if (_p.SecondsAfterCut is { } after && Interior(first - 1)) seconds += after[device][strategy][first];
            return seconds;
        }
        var flops = _flops[strategy][last + 1] - _flops[strategy][first];
        var bytes = _bytes[strategy][last + 1] - _bytes[strategy][first];
        return PaperSeconds(_p.Devices[device], _p.PrecisionOn(device), flops, bytes);
    }

    /// <summary>The seed's whole-sub-model time: F / (ηc·min(P, I·B)), I = F/M (memory-bound when I is below the ridge).</summary>
    public static double PaperSeconds(DeviceProfile d, Precision precision, double flops, double bytes)
    {
        if (flops <= 0) return bytes / (d.MemoryBandwidth * d.MemoryEfficiency);
        var intensity = bytes > 0 ? flops / bytes : double.PositiveInfinity;
        var attainable = Math.Min(d.Peak(precision), intensity * d.MemoryBandwidth);
        return flops / (d.ComputeEfficiency * attainable);
    }

    /// <summary>
    /// Bytes on link <paramref name="link"/> (part link → part link+1) when the part before it ends at
    /// <paramref name="boundary"/>: what crosses that boundary; after everything (the outputs) only while
    /// the results device is further down the chain, else nothing.
    /// </summary>
    public long LinkBytes(int link, int boundary, WireFormat wire = WireFormat.Fp32) =>
        boundary >= _p.Units - 1 && link >= _p.Results ? 0
        : _p.WireBytes is { } w && Interior(boundary) ? w[(int)wire][boundary + 1] : _p.BoundaryBytes[boundary + 1];

    /// <summary>Seconds link <paramref name="link"/> is busy per frame (serialization on the uplink): a pipeline stage.</summary>
    public double LinkBusy(int link, int boundary, WireFormat wire = WireFormat.Fp32) => _p.Link.SerializationSeconds(LinkBytes(link, boundary, wire));

    /// <summary>Seconds until the frame's tensors on link <paramref name="link"/> have arrived: serialization + latency (the response time).</summary>
    public double LinkArrival(int link, int boundary, WireFormat wire = WireFormat.Fp32) => _p.Link.TransferSeconds(LinkBytes(link, boundary, wire));

    /// <summary>Whether boundary <paramref name="boundary"/> lies between two units (not before the inputs, not after the outputs).</summary>
    public bool Interior(int boundary) => boundary >= 0 && boundary < _p.Units - 1;

    /// <summary>
    /// The formats link <paramref name="link"/> may carry boundary <paramref name="boundary"/>'s tensors in: those
    /// allowed on the link where the boundary is interior and has a float32 node output to convert, else fp32 alone
    /// (the tensors travel as they are).
    /// </summary>
    public IReadOnlyList<WireFormat> WireChoices(int link, int boundary)
    {
        if (!Interior(boundary) || _p.AllowedWires is not { } allowed || !Convertible(boundary)) return Fp32Only;
        return allowed[link];
    }

    private static readonly IReadOnlyList<WireFormat> Fp32Only = [WireFormat.Fp32];

    /// <summary>Whether a float32 node output crosses <paramref name="boundary"/> (so a format other than fp32 changes something).</summary>
    public bool Convertible(int boundary) => _p.EarliestProducer is { } e && Interior(boundary) && e[boundary + 1] != int.MaxValue;

    /// <summary>
    /// Whether links crossing <paramref name="earlier"/> and then <paramref name="later"/> (earlier ≤ later, both
    /// interior) carry a common tensor, so they must use the same format: a relay (equal boundaries), or a
    /// tensor produced at or before the earlier boundary and read after the later one.
    /// </summary>
    public bool ShareTensor(int earlier, int later) =>
        Interior(earlier) && Interior(later) && (earlier == later || (_p.EarliestProducer is { } e && e[later + 1] <= earlier));

    /// <summary>
    /// Whether <paramref name="choice"/>'s wire formats are ones the planner could choose: each link's among its
    /// <see cref="WireChoices"/>, and links that carry a common tensor in the same format. For enumerating plans at
    /// fixed cuts.
    /// </summary>
    public bool WiresConsistent(PlanChoice choice)
    {
        for (var j = 0; j < choice.Cuts.Length; j++)
        {
            if (!WireChoices(j, choice.Cuts[j]).Contains(choice.Wire(j))) return false;
            if (j > 0 && Convertible(choice.Cuts[j - 1]) && ShareTensor(choice.Cuts[j - 1], choice.Cuts[j]) && choice.Wire(j) != choice.Wire(j - 1)) return false;
        }
        return true;
    }

    /// <summary>The accuracy cost of sending boundary <paramref name="boundary"/>'s tensors in <paramref name="wire"/>: measured, or the prior (0 for fp32 and where nothing converts).</summary>
    public double WireAccuracy(int boundary, WireFormat wire)
    {
        if (wire == WireFormat.Fp32 || !Convertible(boundary)) return 0;
        return _p.WireAccuracyCost is { } m ? m[(int)wire][boundary + 1] : PlanningProblem.PriorWireAccuracyCost[(int)wire];
    }

    /// <summary>Serialization + latency of what crosses <paramref name="boundary"/> on the uplink (results going on to the last device).</summary>
    public double Transfer(int boundary) => _p.Link.TransferSeconds(_p.BoundaryBytes[boundary + 1]);

    /// <summary>Bytes of the model's outputs (what goes back when the results are consumed upstream).</summary>
    public long OutputBytes => _p.BoundaryBytes[_p.Units];

    /// <summary>Links the outputs travel back over when part <paramref name="producer"/> produces them: from it back to the results device.</summary>
    public int ReturnHops(int producer) => Math.Max(0, producer - _p.Results);

    /// <summary>Seconds each return link is busy per frame (downlink serialization of the outputs); 0 without a way back.</summary>
    public double ReturnBusy(int producer) => ReturnHops(producer) == 0 ? 0 : _p.Link.DownSerializationSeconds(OutputBytes);

    /// <summary>Seconds the way back adds to the response time: each hop's down serialization + latency.</summary>
    public double ReturnArrival(int producer) => ReturnHops(producer) * _p.Link.ReturnSeconds(OutputBytes);

    /// <summary>Branches the strategy keeps per part with blocks (S1 0, S2 1, S3 1, S4 2): the tie-break after latency and period.</summary>
    public int KeptBranches(FusionStrategy strategy, int first, int last) => !HasBlocks(first, last) ? 0 : strategy switch
    {
        FusionStrategy.S1 => 0,
        FusionStrategy.S2 or FusionStrategy.S3 => 1,
        _ => 2,
    };

    public double Share(int first, int last) => last < first || _base[^1] <= 0 ? 0 : (_base[last + 1] - _base[first]) / _base[^1];

    public bool HasBlocks(int first, int last) => last >= first && _blocks[last + 1] - _blocks[first] > 0;

    /// <summary>
    /// The part's accuracy cost on device <paramref name="device"/>. With a measured table
    /// (<see cref="PlanningProblem.UnitAccuracyCost"/>): the sum of its units' measured costs at that device's
    /// precision (a sensitivity table: each unit measured alone). Otherwise the prior α·A(s): zero for a part
    /// without blocks, where the strategy changes nothing.
    /// </summary>
    public double Accuracy(int device, FusionStrategy strategy, int first, int last)
    {
        if (last < first) return 0;
        if (_accuracy is not null) return _accuracy[device][strategy.Index()][last + 1] - _accuracy[device][strategy.Index()][first];
        return HasBlocks(first, last) ? Share(first, last) * _p.StrategyAccuracyCost[strategy.Index()] : 0;
    }

    public double Flops(FusionStrategy strategy, int first, int last) => last < first ? 0 : _flops[strategy.Index()][last + 1] - _flops[strategy.Index()][first];

    private static double[] Prefix(double[] values)
    {
        var prefix = new double[values.Length + 1];
        for (var i = 0; i < values.Length; i++) prefix[i + 1] = prefix[i] + values[i];
        return prefix;
    }
}
