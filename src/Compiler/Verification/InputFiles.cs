using System.Globalization;
using OnnxCoDesign.Passes.Diagnostics;
using OnnxCoDesign.Passes.IR;

namespace OnnxCoDesign.Compiler.Verification;

/// <summary>
/// Turns <c>--data</c> arguments into input samples.
/// <list type="bullet">
/// <item>A file is .npy (by extension or magic) or else a serialized TensorProto (.pb). It feeds the input
/// its TensorProto name names, else the input its file name stem names ("x.npy" → input x; ':' and '/' in
/// input names may be written '_'), else input K for a stem "input_K", else the only input of a
/// single-input model. The i-th file of each input belongs to sample i, so every input needs the same
/// number of files (one each for one sample; several for a single-input model give several samples).</item>
/// <item>A directory in onnx's test-data layout (input_0.pb, input_1.pb, …) is one sample; a directory of
/// test_data_set_* folders is one sample per folder.</item>
/// </list>
/// Data is converted to the input's element type within its kind (float64 data for a float input is
/// narrowed, int64 for int32 checked) and must fit the input's fixed dimensions. Errors are OCD15xx.
/// </summary>
public static class InputFiles
{
    public static IReadOnlyList<IReadOnlyDictionary<string, TensorData>> Load(IReadOnlyList<string> paths, IReadOnlyList<InputSignature> inputs)
    {
        var samples = new List<IReadOnlyDictionary<string, TensorData>>();
        var byInput = inputs.ToDictionary(i => i.Name, _ => new List<TensorData>(), StringComparer.Ordinal);
        var anyFile = false;
        var bound = DataFile.BoundFor(inputs);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                samples.AddRange(LoadDirectory(path, inputs, bound));
                continue;
            }
            anyFile = true;
            var (tensorName, tensor) = ReadFile(path, bound);
            var input = Match(path, tensorName, inputs, positional: null);
            byInput[input.Name].Add(Fit(tensor, input, path));
        }
        if (anyFile) samples.InsertRange(0, Group(byInput, inputs));
        return samples;
    }

    /// <summary>
    /// Reads one data file, .npy or TensorProto; the name is the TensorProto's (null for .npy). A file over
    /// <paramref name="maxBytes"/> (see <see cref="DataFile.BoundFor"/>) is refused before it is read.
    /// </summary>
    public static (string? Name, TensorData Tensor) ReadFile(string path, long maxBytes = DataFile.MaxBytes)
    {
        var bytes = DataFile.ReadAll(path, maxBytes);
        var isNpy = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) || (bytes.Length >= 6 && bytes[0] == 0x93 && bytes[1] == (byte)'N');
        if (isNpy) return (null, NpyReader.Parse(bytes, path));
        var (name, tensor) = TensorProtoReader.Parse(bytes, path);
        return (name.Length > 0 ? name : null, tensor);
    }

    private static IEnumerable<IReadOnlyDictionary<string, TensorData>> LoadDirectory(string dir, IReadOnlyList<InputSignature> inputs, long bound) =>
        SetFolders(dir).Select(s => LoadSet(s, inputs, bound)).ToList();

    /// <summary>The sample folders of a test-data directory: its test_data_set_* folders in ordinal order, or the directory itself.</summary>
    internal static IReadOnlyList<string> SetFolders(string dir)
    {
        var sets = Directory.GetDirectories(dir, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
        return sets.Count > 0 ? sets : [dir];
    }

    /// <summary>Whether a folder is in onnx's test-data layout: test_data_set_* folders, or input_K.pb files.</summary>
    internal static bool IsTestDataLayout(string dir) =>
        Directory.EnumerateDirectories(dir, "test_data_set_*").Any()
        || Directory.EnumerateFiles(dir, "input_*.pb").Any(f => InputIndex(Path.GetFileNameWithoutExtension(f)) is not null);

    /// <summary>One sample from input_K.pb files (onnx's test-data layout); K orders and, without names, places them.</summary>
    internal static IReadOnlyDictionary<string, TensorData> LoadSet(string dir, IReadOnlyList<InputSignature> inputs, long bound)
    {
        var files = Directory.GetFiles(dir, "input_*.pb")
            .Select(f => (File: f, Index: InputIndex(Path.GetFileNameWithoutExtension(f))))
            .Where(f => f.Index is not null)
            .OrderBy(f => f.Index)
            .ToList();
        if (files.Count == 0) throw new CodesignException(ErrorCodes.DataInputUnmatched, "the data directory holds no input_0.pb … files (onnx's test-data layout)", dir);
        var byInput = inputs.ToDictionary(i => i.Name, _ => new List<TensorData>(), StringComparer.Ordinal);
        foreach (var (file, index) in files)
        {
            var (name, tensor) = ReadFile(file, bound);
            var input = Match(file, name, inputs, index);
            byInput[input.Name].Add(Fit(tensor, input, file));
        }
        return Group(byInput, inputs, dir).Single();
    }

    private static List<IReadOnlyDictionary<string, TensorData>> Group(Dictionary<string, List<TensorData>> byInput, IReadOnlyList<InputSignature> inputs, string? where = null)
    {
        var missing = inputs.FirstOrDefault(i => byInput[i.Name].Count == 0);
        if (missing is not null)
        {
            throw new CodesignException(ErrorCodes.DataInputUnmatched, $"no data for input '{missing.Name}' {missing}; give one --data file per input", where);
        }
        var counts = inputs.Select(i => byInput[i.Name].Count).Distinct().ToList();
        if (counts.Count > 1 || (where is not null && counts[0] > 1))
        {
            var list = string.Join(", ", inputs.Select(i => $"{i.Name}: {byInput[i.Name].Count}"));
            throw new CodesignException(ErrorCodes.DataInputUnmatched, $"inputs have different numbers of data files ({list}); each sample needs one per input", where);
        }
        return Enumerable.Range(0, counts[0])
            .Select(k => (IReadOnlyDictionary<string, TensorData>)inputs.ToDictionary(i => i.Name, i => byInput[i.Name][k], StringComparer.Ordinal))
            .ToList();
    }

    private static InputSignature Match(string path, string? tensorName, IReadOnlyList<InputSignature> inputs, int? positional)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var match = inputs.FirstOrDefault(i => i.Name == tensorName)
                    ?? inputs.FirstOrDefault(i => i.Name == stem || Sanitized(i.Name) == stem);
        var index = positional ?? InputIndex(stem);
        // In a test-data directory the file's position decides when the tensor's name does not.
        if (match is null && (tensorName is null || positional is not null) && index is { } k && k < inputs.Count) match = inputs[k];
        if (match is null && inputs.Count == 1) match = inputs[0];
        if (match is not null) return match;
        var what = tensorName is not null ? $"tensor '{tensorName}'" : $"file name '{stem}'";
        throw new CodesignException(ErrorCodes.DataInputUnmatched,
            $"{what} names no input of the model (inputs: {string.Join(", ", inputs.Select(i => i.Name))}); name the file after its input", path);
    }

    private static TensorData Fit(TensorData tensor, InputSignature input, string path)
    {
        var converted = tensor.ConvertTo(input.ElemType)
            ?? throw new CodesignException(ErrorCodes.DataShapeMismatch,
                $"data of type {ElementType.Name(tensor.ElemType)} cannot feed input '{input.Name}' of type {ElementType.Name(input.ElemType)}", path);
        if (!input.Accepts(converted.Shape))
        {
            throw new CodesignException(ErrorCodes.DataShapeMismatch, $"data of shape {tensor.ShapeText} does not fit input '{input.Name}' {input.ShapeText}", path);
        }
        return converted;
    }

    private static int? InputIndex(string stem) =>
        stem.StartsWith("input_", StringComparison.Ordinal) && int.TryParse(stem.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : null;

    private static string Sanitized(string name) => name.Replace(':', '_').Replace('/', '_').Replace('\\', '_');
}
