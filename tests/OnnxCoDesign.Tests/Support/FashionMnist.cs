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

    public const int TestCount = 10_000;

    public const int Side = 28;

    public const int Classes = 10;
}
