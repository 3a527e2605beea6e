namespace OnnxCoDesign.Samples;

/// <summary>
/// What every sample model can vary: batch (a number, or a symbolic name that overrides it), opset, weight
/// seed, and whether initializers are also listed as graph inputs (by default only where IR 3 needs it).
/// </summary>
public sealed record SampleOptions(int Batch = 1, string? BatchSymbol = null, int Opset = 13, ulong Seed = 1, bool? InitializersAsInputs = null)
{
    public static SampleOptions Default { get; } = new();

    /// <summary>The batch dimension as the input and output shapes spell it.</summary>
    public object BatchDim => BatchSymbol is null ? (long)Batch : BatchSymbol;

    public bool ListsInitializersAsInputs => InitializersAsInputs ?? Opset < 9;

    /// <summary>A builder and layers for this sample, and its NCHW float image input named "input".</summary>
    public (CnnLayers Layers, FeatureMap Input) Start(string graphName, long channels, long height, long width)
    {
        var b = new OnnxModelBuilder(graphName, Opset) { InitializersAsInputs = ListsInitializersAsInputs };
        var x = new FeatureMap("input", channels, height, width);
        b.Input(x.Name, Passes.IR.ElementType.Float, x.Dims(BatchDim));
        return (new CnnLayers(b, new WeightGenerator(Seed)), x);
    }
}
