using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// Lists a folder of images as torchvision's ImageFolder does: with class sub-folders, the classes are the
/// sub-folders in ordinal order, class k's images are every JPEG/PNG below its folder (walked in ordinal
/// order of folder, then file name) and their label is k; without sub-folders holding images, the images
/// directly in the folder, in ordinal order, unlabelled. Images beside class folders are refused rather
/// than silently left out, and so is a class folder with no image (ImageFolder refuses it too).
/// </summary>
internal sealed record ImageFiles(IReadOnlyList<string> Files, int[]? Labels, IReadOnlyList<string> Classes)
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    public static bool IsImage(string file) => Extensions.Contains(Path.GetExtension(file).ToLowerInvariant());

    /// <summary>The images of <paramref name="dir"/>, or null when it holds none (directly or in sub-folders).</summary>
    public static ImageFiles? List(string dir)
    {
        var classes = Directory.GetDirectories(dir).Order(StringComparer.Ordinal).ToList();
        var byClass = classes.Select(Walk).ToList();
        var direct = Directory.GetFiles(dir).Where(IsImage).Order(StringComparer.Ordinal).ToList();
        if (byClass.All(c => c.Count == 0)) return direct.Count == 0 ? null : new ImageFiles(direct, null, []);
        if (direct.Count > 0)
        {
            throw new CodesignException(ErrorCodes.DataFolderUnrecognized,
                $"holds {direct.Count} image(s) such as '{Path.GetFileName(direct[0])}' beside class folders; put every image in its class's folder", dir);
        }
        var empty = byClass.FindIndex(c => c.Count == 0);
        if (empty >= 0)
        {
            throw new CodesignException(ErrorCodes.DataSetEmpty,
                $"class folder '{Path.GetFileName(classes[empty])}' holds no JPEG or PNG image; every sub-folder is a class (as in torchvision's ImageFolder)", classes[empty]);
        }
        var files = byClass.SelectMany(c => c).ToList();
        var labels = byClass.SelectMany((c, k) => Enumerable.Repeat(k, c.Count)).ToArray();
        return new ImageFiles(files, labels, classes.Select(c => Path.GetFileName(c)).ToList());
    }

    private static List<string> Walk(string classDir) =>
        Directory.EnumerateFiles(classDir, "*", SearchOption.AllDirectories)
            .Where(IsImage)
            .OrderBy(f => Path.GetDirectoryName(f), StringComparer.Ordinal)
            .ThenBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
}
