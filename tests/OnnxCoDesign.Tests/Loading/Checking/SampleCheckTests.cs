using OnnxCoDesign.Samples;
using OnnxCoDesign.Passes.Checking;
using OnnxCoDesign.Passes.Loading;
using OnnxCoDesign.Passes.Shapes;
using OnnxCoDesign.Tests.Support;

namespace OnnxCoDesign.Tests.Loading.Checking;

/// <summary>The checker accepts every model the builder makes, in memory and read back from a file.</summary>
public sealed class SampleCheckTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Names => new(SampleModels.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void EverySamplePassesTheChecker(string name)
    {
        var model = SampleModels.ByName(name);
        ModelChecker.Check(model, name);
        // From a file, large weights stay in it (deferred); the checker must see them as raw_data.
        ModelLoader.Load(CheckedModels.Write(_dir, model)).Dispose();
    }

    [Fact]
    public void TrainingAndFoldedExportsOfResNetPassTheChecker()
    {
        ModelChecker.Check(SampleModels.ResNet50(BatchNormForm.Separate), "separate");
        ModelChecker.Check(SampleModels.ResNet50(BatchNormForm.Folded, batchSymbol: "N"), "folded");
    }

    [Fact]
    public void EveryOperatorShapeInferenceKnowsHasASchema()
    {
        // An operator with a shape rule but no schema would skip the checks its nodes need.
        Assert.Equal(ShapeRuleTable.Operators.Order(StringComparer.Ordinal), ModelChecker.KnownOperators.Order(StringComparer.Ordinal));
    }
}
