using OnnxCoDesign.Compiler.Verification;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// Opens --calibration and --validation data for a model's inputs, telling the format by content:
/// <list type="bullet">
/// <item>a file: .npy (float32 or uint8, N×…) or IDX (uint8, MNIST's format), either one gzip'd; row i is
/// sample i of the model's one input;</item>
/// <item>a folder in onnx's test-data layout (test_data_set_*/input_K.pb or input_K.pb), for any inputs;</item>
/// <item>a folder of JPEG/PNG images, with class sub-folders for labels (torchvision's ImageFolder).</item>
/// </list>
/// Shape, dtype, preprocessing and the label count are checked here, before any batch is read.
/// </summary>
public static class DataSets
{
    /// <summary>
    /// Opens <paramref name="path"/> for <paramref name="inputs"/>; <paramref name="labels"/> is a labels file
    /// (.npy or IDX1). A folder with class sub-folders has labels of its own: a labels file given as well
    /// replaces them, and like any labels file must hold one id per sample (OCD1523 otherwise), so it can
    /// only ever relabel, never shift, the images. <paramref name="limit"/> keeps the first samples only.
    /// </summary>
    public static IDataSet Open(string path, IReadOnlyList<InputSignature> inputs, Preprocess? preprocess = null, string? labels = null, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfZero(inputs.Count);
        if (limit is < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "a limit keeps at least one sample");
        var source = OpenSource(path, inputs, preprocess);
        try
        {
            if (source.Count == 0) throw new CodesignException(ErrorCodes.DataSetEmpty, "the data set holds no samples", path);
            var ids = labels is null ? source.OwnLabels : LabelFile.Read(labels);
            if (ids is not null && ids.Length != source.Count)
            {
                throw new CodesignException(ErrorCodes.LabelsCountMismatch,
                    $"{ids.Length} labels for the {source.Count} samples of '{path}': give one class id per sample", labels ?? path);
            }
            var count = Math.Min(source.Count, limit ?? long.MaxValue);
            if (ids is not null && count < ids.Length) ids = ids[..(int)count];
            return new StreamedDataSet(path, source, count, ids);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static ISampleSource OpenSource(string path, IReadOnlyList<InputSignature> inputs, Preprocess? preprocess)
    {
        if (Directory.Exists(path))
        {
            if (InputFiles.IsTestDataLayout(path)) return TestDataFolderSource.Open(path, inputs, preprocess);
            var images = ImageFiles.List(path)
                ?? throw new CodesignException(ErrorCodes.DataFolderUnrecognized,
                    "the folder holds neither onnx test data (test_data_set_*/input_K.pb, input_K.pb) nor JPEG/PNG images (directly or in class sub-folders)", path);
            return ImageFolderSource.Open(path, images, Single(inputs, path, "a folder of images"), preprocess);
        }
        var input = Single(inputs, path, "a .npy or IDX file");
        return TensorFileSource.TryOpen(path, input, preprocess)
            ?? throw new CodesignException(ErrorCodes.DataSetUnreadable,
                "not a data set: neither .npy (\\x93NUMPY magic) nor IDX (00 00 08 magic), plain or gzip'd, nor a folder", path);
    }

    private static InputSignature Single(IReadOnlyList<InputSignature> inputs, string path, string what) =>
        inputs.Count == 1 ? inputs[0]
        : throw new CodesignException(ErrorCodes.DataSetInputCount,
            $"{what} feeds a model with one input; this one has {inputs.Count} ({string.Join(", ", inputs.Select(i => i.Name))}): give a folder in onnx's test-data layout", path);
}
