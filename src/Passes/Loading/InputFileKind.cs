using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// What a file the tool reads is for: how messages name it, the most bytes it may have, and the codes of its
/// failures. The bounds are far above any real file of the kind and far below what would exhaust memory:
/// they exist so that a wrong path (a disk image, a log) fails at once instead of being read whole.
/// </summary>
/// <param name="Noun">"device profile", "plan file", …: completes "is a directory, not a …".</param>
/// <param name="MissingMessage">The message for a path that names nothing (existing messages kept).</param>
public sealed record InputFileKind(
    string Noun,
    long MaxBytes,
    string MissingCode,
    string MissingMessage,
    string UnreadableCode,
    string NotRegularCode,
    string TooLargeCode)
{
    private const long MiB = 1 << 20;

    /// <summary>Models have no bound: their weights are read on demand, never whole (and may pass 2 GiB).</summary>
    public static InputFileKind Model { get; } = new("ONNX model file", long.MaxValue,
        ErrorCodes.FileNotFound, "no such file", ErrorCodes.FileUnreadable, ErrorCodes.FileNotRegular, ErrorCodes.FileTooLarge);

    /// <summary>A device or host profile is a few KiB of JSON (the catalog of ten devices is 16 KiB): 1 MiB.</summary>
    public static InputFileKind DeviceProfile { get; } = new("device profile", MiB,
        ErrorCodes.FileNotFound, "device profile file not found", ErrorCodes.FileUnreadable, ErrorCodes.FileNotRegular, ErrorCodes.FileTooLarge);

    /// <summary>
    /// plan.json grows with parts and baselines: 16 MiB is about 400 times the plan compile writes for
    /// ResNet-50 (tests/golden/compile-resnet50, 41 KB), and still little to read whole.
    /// </summary>
    public static InputFileKind Plan { get; } = new("plan file", 16 * MiB,
        ErrorCodes.FileNotFound, "no such plan file", ErrorCodes.FileUnreadable, ErrorCodes.FileNotRegular, ErrorCodes.FileTooLarge);

    /// <summary>A response file (@file) is a command line: 1 MiB.</summary>
    public static InputFileKind ResponseFile { get; } = new("response file", MiB,
        ErrorCodes.FileNotFound, "no such response file", ErrorCodes.FileUnreadable, ErrorCodes.FileNotRegular, ErrorCodes.FileTooLarge);

    /// <summary>
    /// A verify data file (.npy, .pb) holds one input; the caller lowers the bound to what the model's inputs
    /// can take (<see cref="WithMaxBytes"/>). Without that, a byte array's limit.
    /// </summary>
    public static InputFileKind DataFile { get; } = new("data file", int.MaxValue,
        ErrorCodes.DataFileNotFound, "no such data file", ErrorCodes.DataFileNotFound, ErrorCodes.DataFileNotRegular, ErrorCodes.DataFileTooLarge);

    public InputFileKind WithMaxBytes(long maxBytes) => this with { MaxBytes = maxBytes };
}
