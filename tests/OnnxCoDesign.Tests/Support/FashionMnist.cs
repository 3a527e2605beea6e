namespace OnnxCoDesign.Tests.Support;

/// <summary>
/// Fashion-MNIST's test split as Debian's dataset-fashion-mnist package installs it (.ci/run installs the
/// package): 10,000 uint8 28×28 images and their class ids 0..9, IDX format, gzip'd.
/// </summary>
public static class FashionMnist
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    public const string TestImages = Folder + "/t10k-images-idx3-ubyte.gz";

    public const string TestLabels = Folder + "/t10k-labels-idx1-ubyte.gz";

    /// <summary>The training split: calibration data in the tests (never evaluated on).</summary>
    public const string TrainImages = Folder + "/train-images-idx3-ubyte.gz";

    public const int TestCount = 10_000;

    /// <summary>The small RepVGG trained on the training split by tests/data/fashion-repvgg/train.py (committed beside it).</summary>
    public static string Model => Path.Combine(RepoPaths.Root, "tests", "data", "fashion-repvgg", "fashion-repvgg.onnx");

    /// <summary>The normalization the model was trained with: pixels scaled to [0, 1], then (x − 0.2860) / 0.3530.</summary>
    public const string Preprocess = "mean=0.2860,std=0.3530";

    /// <summary>
    /// PyTorch's fp32 top-1 on the test split, as train.py printed it when it wrote the model (train.log): an
    /// independent figure from another runtime, data reader and normalization code.
    /// </summary>
    public static double PyTorchTop1()
    {
        var line = File.ReadLines(Path.Combine(RepoPaths.Root, "tests", "data", "fashion-repvgg", "train.log")).Last(l => l.StartsWith("wrote ", StringComparison.Ordinal));
        var match = System.Text.RegularExpressions.Regex.Match(line, @"test top-1 ([0-9.]+)%");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public const int Side = 28;

    public const int Classes = 10;
}
