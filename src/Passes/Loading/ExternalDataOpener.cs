using Microsoft.Win32.SafeHandles;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Opens external-data locations below a model's folder, once each, with no symbolic link followed.
/// <para>On Linux the folder is opened once and each location is walked one component at a time with
/// openat(O_NOFOLLOW): a folder component with O_DIRECTORY, the file itself with O_NONBLOCK (a FIFO is not
/// waited on). ".." goes back to the folder handle it came from, so a walk never leaves the model's folder
/// (".." past it is refused, as is a link anywhere). The file's type, link count and size are then read
/// from the handle with statx, and that handle is what every read uses: there is no moment at which
/// the path is checked and then opened again.</para>
/// <para>Elsewhere (macOS, Windows: the open flags and stat layouts differ and are untested here) the same
/// rules are checked by path and the file opened right after; a swap in between is not caught there.</para>
/// </summary>
internal sealed class ExternalDataOpener(string baseDirectory, string? modelPath) : IDisposable
{
    private SafeFileHandle? _folder;

    public (SafeFileHandle Handle, long Size) Open(string tensor, string location)
    {
        var handle = NativeFiles.Supported ? Walk(tensor, location) : OpenByPath(tensor, location);
        try
        {
            var status = NativeFiles.Supported ? NativeFiles.Status(handle) : new NodeStatus(NodeType.Regular, 1, RandomAccess.GetLength(handle));
            if (status.Type != NodeType.Regular)
            {
                throw Error(ErrorCodes.ExternalDataMissing, $"external-data location '{location}' of tensor '{tensor}' is not a regular file");
            }
            if (status.Links > 1)
            {
                throw Error(ErrorCodes.ExternalDataLink, $"external-data file '{location}' of tensor '{tensor}' is a hard link");
            }
            return (handle, status.Size);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => _folder?.Dispose();

    private SafeFileHandle Walk(string tensor, string location)
    {
        _folder ??= NativeFiles.OpenFolder(baseDirectory, out var folderErrno)
            ?? throw Error(ErrorCodes.ExternalDataMissing, $"tensor '{tensor}' reads external data, but the model's folder cannot be opened (errno {folderErrno})");
        var parts = location.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        var below = new Stack<SafeFileHandle>(); // the folders walked into, innermost on top
        try
        {
            for (var i = 0; i < parts.Length; i++)
            {
                var part = parts[i];
                var current = below.Count > 0 ? below.Peek() : _folder;
                if (part == ".") continue;
                if (part == "..")
                {
                    if (below.Count == 0)
                    {
                        throw Error(ErrorCodes.ExternalDataEscapes, $"tensor '{tensor}' names external-data location '{location}', which leaves the model's folder on the way");
                    }
                    below.Pop().Dispose();
                    continue;
                }
                var last = i == parts.Length - 1;
                var opened = last ? NativeFiles.OpenFileAt(current, part, out var errno) : NativeFiles.OpenFolderAt(current, part, out errno);
                if (opened is null) throw Failure(tensor, location, current, part, errno);
                if (last) return opened;
                below.Push(opened);
            }
            // "sub/.." or ".": the location ends at a folder.
            throw Error(ErrorCodes.ExternalDataMissing, $"external-data location '{location}' of tensor '{tensor}' is not a regular file");
        }
        finally
        {
            foreach (var folder in below) folder.Dispose();
        }
    }

    /// <summary>Why openat refused a component: a link (O_NOFOLLOW), or nothing (or no folder) of that name.</summary>
    private CodesignException Failure(string tensor, string location, SafeFileHandle folder, string part, int errno)
    {
        if (NativeFiles.StatusAt(folder, part, followLink: false) is { Type: NodeType.SymbolicLink })
        {
            return NativeFiles.StatusAt(folder, part, followLink: true) is null
                ? Error(ErrorCodes.ExternalDataLink, $"external-data location '{location}' of tensor '{tensor}' is a dangling symbolic link '{part}'")
                : Error(ErrorCodes.ExternalDataLink, $"external-data location '{location}' of tensor '{tensor}' goes through the symbolic link '{part}'");
        }
        if (errno is NativeFiles.NoSuchEntry or NativeFiles.NotADirectory)
        {
            return Error(ErrorCodes.ExternalDataMissing, $"tensor '{tensor}' reads external data from '{location}', which does not exist");
        }
        return Error(ErrorCodes.ExternalDataMissing,
            $"external-data location '{location}' of tensor '{tensor}' cannot be opened: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private SafeFileHandle OpenByPath(string tensor, string location)
    {
        RefuseSymbolicLinks(tensor, location);
        var full = Path.GetFullPath(Path.Combine(baseDirectory, location));
        if (!File.Exists(full))
        {
            throw Error(ErrorCodes.ExternalDataMissing, $"tensor '{tensor}' reads external data from '{location}', which does not exist");
        }
        var (links, isRegularFile) = FileLinks.Describe(full);
        if (!isRegularFile)
        {
            throw Error(ErrorCodes.ExternalDataMissing, $"external-data location '{location}' of tensor '{tensor}' is not a regular file");
        }
        if (links > 1)
        {
            throw Error(ErrorCodes.ExternalDataLink, $"external-data file '{location}' of tensor '{tensor}' is a hard link");
        }
        return File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>
    /// Walks the location as the operating system will, one component at a time, and refuses a symbolic link
    /// anywhere on the way. Checking only the lexically normalised path is not enough: in "sub/../w.bin" the
    /// OS follows the link "sub" before "..", so it would open a file other than the one validated.
    /// </summary>
    private void RefuseSymbolicLinks(string tensor, string location)
    {
        var current = baseDirectory;
        var depth = 0;
        foreach (var part in location.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (depth-- == 0)
                {
                    throw Error(ErrorCodes.ExternalDataEscapes, $"tensor '{tensor}' names external-data location '{location}', which leaves the model's folder on the way");
                }
                current = Path.GetDirectoryName(current)!;
                continue;
            }
            current = Path.Combine(current, part);
            depth++;
            if (new FileInfo(current).LinkTarget is null) continue;
            if (!File.Exists(current) && !Directory.Exists(current))
            {
                throw Error(ErrorCodes.ExternalDataLink, $"external-data location '{location}' of tensor '{tensor}' is a dangling symbolic link '{part}'");
            }
            throw Error(ErrorCodes.ExternalDataLink, $"external-data location '{location}' of tensor '{tensor}' goes through the symbolic link '{part}'");
        }
    }

    private CodesignException Error(string code, string message) => new(code, message, modelPath);
}
