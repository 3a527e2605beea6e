using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;
using Onnx;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Resolves tensors stored outside the model file. Every reference is checked when the model is loaded,
/// with the protections onnx needed several CVEs to get right (CVE-2022-25882, CVE-2024-27318,
/// CVE-2024-5187): no absolute locations, nothing that leaves the model's folder once normalised, no
/// symbolic links on the way, no hard links, only the spec's keys, and offset and length inside the file.
/// Each location is opened once, when it is first validated, by walking its components from a handle on the
/// model's folder without following any link (<see cref="ExternalDataOpener"/>); type, link count and size
/// are checked on that handle and every later read of the location goes through it. Swapping the file for a
/// link afterwards changes nothing the store reads. Bytes are read only when asked for, straight from the
/// file, so weights are never held twice.
/// A rewrite may also leave its new weights uncomputed (<see cref="Compute"/>): the store keeps the recipe and
/// runs it whenever the bytes are read or saved, so a compile holds no folded or fused weight between passes
/// and writes each straight to its output.
/// </summary>
public sealed class ExternalDataStore : IDisposable
{
    private readonly Dictionary<string, (SafeFileHandle Handle, long Size)> _files = new(StringComparer.Ordinal);
    private ExternalDataOpener? _opener;
    private readonly Dictionary<long, long> _deferred = new();
    private SafeFileHandle? _modelFile;
    private readonly ConcurrentDictionary<long, (long Length, BytesFill Fill, RangeFill? Range)> _computed = new();
    private long _lastComputed;

    /// <summary>The location a computed tensor names: not a file (no file name can hold '*' and '&lt;' on every platform).</summary>
    public const string ComputedLocation = "<*computed*>";

    /// <summary>Writes a computed tensor's bytes into a buffer of exactly its length.</summary>
    public delegate void BytesFill(Span<byte> bytes);

    /// <summary>Writes the computed tensor's bytes from <paramref name="offset"/> into <paramref name="bytes"/>; false where it cannot compute a part alone.</summary>
    public delegate bool RangeFill(long offset, Span<byte> bytes);

    public ExternalDataStore(string? modelPath)
    {
        ModelPath = modelPath;
        BaseDirectory = modelPath is null ? null : Path.GetFullPath(Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
    }

    /// <summary>A store for models built in memory: any external reference is an error.</summary>
    public static ExternalDataStore None { get; } = new(null);

    public string? ModelPath { get; }

    public string? BaseDirectory { get; }

    /// <summary>
    /// Whether the tensor's bytes are inline in the model file but were left there by the loader (see
    /// ModelFileReader). Such a tensor reads like an external one whose location is the model file itself,
    /// which is exactly where its bytes are; savers write it inline again. Known by its reference (file
    /// name, offset, length), so clones of the model's tensors are recognised too.
    /// </summary>
    public bool IsDeferred(TensorProto tensor) => Deferred(tensor) is not null || ComputedOf(tensor) is not null;

    /// <summary>
    /// Makes <paramref name="tensor"/> (name, type and dims set, no data) a computed tensor of
    /// <paramref name="length"/> bytes: <paramref name="fill"/> runs each time they are read or saved, and must
    /// therefore read only what stays as it is (the tensors it was given, never the graph being edited).
    /// Clones of the tensor are recognised by their reference, as deferred ones are. With <paramref name="range"/>, a
    /// part of the bytes can be computed alone (<see cref="TryReadRange"/>).
    /// </summary>
    public void Compute(TensorProto tensor, long length, BytesFill fill, RangeFill? range = null)
    {
        var id = Interlocked.Increment(ref _lastComputed);
        _computed[id] = (length, fill, range);
        tensor.RawData = Google.Protobuf.ByteString.Empty;
        tensor.ExternalData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = ComputedLocation });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private (long Length, BytesFill Fill, RangeFill? Range)? ComputedOf(TensorProto tensor)
    {
        if (_computed.IsEmpty || tensor.ExternalData.Count != 3 || tensor.ExternalData[0].Value != ComputedLocation) return null;
        if (!ExternalDataReference.IsExternal(tensor)) return null;
        return long.TryParse(tensor.ExternalData[1].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
               && _computed.TryGetValue(id, out var entry) ? entry : null;
    }

    /// <summary>Registers a byte range of the model file holding a tensor's raw data, read through the open handle.</summary>
    internal void Defer(SafeFileHandle modelFile, long offset, long length)
    {
        _modelFile ??= modelFile;
        _deferred[offset] = length;
    }

    private (long Offset, long Length)? Deferred(TensorProto tensor)
    {
        if (_deferred.Count == 0 || !ExternalDataReference.IsExternal(tensor)) return null;
        string? location = null;
        long offset = -1, length = -1;
        foreach (var e in tensor.ExternalData)
        {
            if (e.Key == "location") location = e.Value;
            else if (e.Key == "offset") long.TryParse(e.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out offset);
            else if (e.Key == "length") long.TryParse(e.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length);
        }
        return location == Path.GetFileName(ModelPath) && _deferred.TryGetValue(offset, out var l) && l == length ? (offset, length) : null;
    }

    /// <summary>Checks one tensor's reference and returns it; the bytes are not read.</summary>
    public ExternalDataReference Validate(TensorProto tensor)
    {
        if (ComputedOf(tensor) is { } c) return new ExternalDataReference(ComputedLocation, 0, c.Length, null);
        if (Deferred(tensor) is { } d)
        {
            return new ExternalDataReference(Path.GetFileName(ModelPath!), d.Offset, d.Length, null);
        }
        var reference = ExternalDataReference.Parse(tensor, ModelPath);
        var (_, size) = Resolve(tensor.Name, reference.Location);
        // Offset and length are each at most long.MaxValue; their sum is computed wide so that the message
        // gives the real numbers, not wrapped ones.
        Int128 end = reference.Length is { } length ? (Int128)reference.Offset + length : size;
        if (reference.Offset > size || end > size)
        {
            throw Error(ErrorCodes.ExternalDataRange,
                $"tensor '{tensor.Name}' asks for bytes {reference.Offset}..{end} of '{reference.Location}', which has {size}");
        }
        var held = (long)end - reference.Offset;
        var expected = TensorValues.ByteCount(tensor);
        if (expected is { } bytes && held != bytes)
        {
            throw Error(ErrorCodes.ExternalDataRange,
                $"tensor '{tensor.Name}' needs {bytes} bytes but its external data holds {held}");
        }
        return reference;
    }

    /// <summary>Reads the tensor's bytes from its file (validated first).</summary>
    public byte[] Read(TensorProto tensor)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(checked((int)StoredLength(tensor)));
        ReadInto(tensor, buffer);
        return buffer;
    }

    /// <summary>Reads (or computes) the tensor's bytes into a buffer of exactly their length.</summary>
    public void ReadInto(TensorProto tensor, Span<byte> buffer)
    {
        if (ComputedOf(tensor) is { } c)
        {
            if (buffer.Length != c.Length) throw new ArgumentException($"tensor '{tensor.Name}' has {c.Length} bytes, not {buffer.Length}", nameof(buffer));
            c.Fill(buffer);
            return;
        }
        var (handle, offset, length, location) = Locate(tensor);
        if (buffer.Length != length) throw new ArgumentException($"tensor '{tensor.Name}' has {length} bytes, not {buffer.Length}", nameof(buffer));
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (n == 0) throw Error(ErrorCodes.ExternalDataRange, $"'{location}' ended early while reading tensor '{tensor.Name}'");
            done += n;
        }
    }

    /// <summary>
    /// Reads <paramref name="buffer"/>'s length of bytes from <paramref name="offset"/> into a tensor held in a file
    /// (left in the model file by the loader, or external data) or computed by a recipe that can compute a part alone,
    /// so that a rewrite can take a large weight a slice at a time; false for any other tensor (inline, or computed
    /// only whole).
    /// </summary>
    public bool TryReadRange(TensorProto tensor, long offset, Span<byte> buffer)
    {
        if (ComputedOf(tensor) is { } computed)
        {
            if (offset < 0 || offset > computed.Length - buffer.Length) throw new ArgumentOutOfRangeException(nameof(offset), $"bytes {offset}..{offset + buffer.Length} of tensor '{tensor.Name}', which has {computed.Length}");
            return computed.Range is { } range && range(offset, buffer);
        }
        if (!ExternalDataReference.IsExternal(tensor)) return false;
        var (handle, start, length, location) = Locate(tensor);
        if (offset < 0 || offset > length - buffer.Length) throw new ArgumentOutOfRangeException(nameof(offset), $"bytes {offset}..{offset + buffer.Length} of tensor '{tensor.Name}', which has {length}");
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[done..], start + offset + done);
            if (n == 0) throw Error(ErrorCodes.ExternalDataRange, $"'{location}' ended early while reading tensor '{tensor.Name}'");
            done += n;
        }
        return true;
    }

    /// <summary>The byte count a tensor's data occupies in its file.</summary>
    public long StoredLength(TensorProto tensor) => ComputedOf(tensor)?.Length ?? Locate(tensor).Length;

    private (SafeFileHandle Handle, long Offset, long Length, string Location) Locate(TensorProto tensor)
    {
        if (Deferred(tensor) is { } d) return (_modelFile!, d.Offset, d.Length, Path.GetFileName(ModelPath!));
        var reference = Validate(tensor);
        var (handle, size) = _files[reference.Location];
        return (handle, reference.Offset, reference.Length ?? size - reference.Offset, reference.Location);
    }

    /// <summary>
    /// Copies the tensor's bytes to a stream without holding them all: into a file, a large tensor is copied by
    /// the kernel from file to file (<see cref="NativeFiles.CopyRange"/>); anything else goes through one
    /// pooled buffer in chunks.
    /// </summary>
    public void CopyTo(TensorProto tensor, Stream destination)
    {
        if (ComputedOf(tensor) is { } computed)
        {
            if (computed.Range is not null && computed.Length > WriteRun && WriteInRuns(tensor, computed.Length, computed.Range, destination)) return;
            WriteComputed(tensor, computed.Length, destination);
            return;
        }
        var (handle, position, remaining, location) = Locate(tensor);
        if (remaining >= KernelCopyFrom && destination is FileStream { CanSeek: true } file)
        {
            var copied = CopyInKernel(handle, position, remaining, file);
            position += copied;
            remaining -= copied;
        }
        if (remaining == 0) return;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(remaining, 1 << 20));
        try
        {
            while (remaining > 0)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, remaining)), position);
                if (n == 0) throw Error(ErrorCodes.ExternalDataRange, $"'{location}' ended early while reading tensor '{tensor.Name}'");
                destination.Write(buffer, 0, n);
                position += n;
                remaining -= n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The least bytes copied by the kernel: below it, flushing the file's write buffer first costs more than the
    /// copy through this process saves.
    /// </summary>
    private const long KernelCopyFrom = 64 << 10;

    /// <summary>
    /// Copies what the kernel will of <paramref name="length"/> bytes at <paramref name="position"/> to the file's
    /// current position and moves that position past them; returns the count (0 where the kernel copies nothing:
    /// other file systems, an old kernel, the source ending early — the caller's buffered copy then says so).
    /// </summary>
    private static long CopyInKernel(SafeFileHandle source, long position, long length, FileStream file)
    {
        var target = file.SafeFileHandle; // flushes the stream's buffer, so the file holds everything written so far
        var at = file.Position;
        long done = 0;
        while (done < length)
        {
            var n = NativeFiles.CopyRange(source, position + done, target, at + done, length - done);
            if (n <= 0) break;
            done += n;
        }
        file.Position = at + done;
        return done;
    }

    /// <summary>
    /// Computes a tensor into the store's one scratch buffer and writes it. A large one's intermediates (the
    /// weights it was computed from) are garbage once it is written: they are collected before the next tensor
    /// is computed, so writing a model holds about one tensor's worth of weights, not the runtime's budget of
    /// large objects (tens of megabytes), whatever the model's size.
    /// </summary>
    private void WriteComputed(TensorProto tensor, long length, Stream destination)
    {
        var scratch = Interlocked.Exchange(ref _scratch, null);
        if (scratch is null || scratch.Length < length) scratch = GC.AllocateUninitializedArray<byte>(checked((int)length));
        ReadInto(tensor, scratch.AsSpan(0, (int)length));
        destination.Write(scratch, 0, (int)length);
        Interlocked.Exchange(ref _scratch, scratch);
        // Collected once the bytes computed since the last collection reach half what the last one kept (at
        // least CollectAfter): each collection's cost is paid for by a proportional number of bytes written, so
        // a model with a large graph and many weights is not collected once per weight.
        var since = Interlocked.Add(ref _computedSinceCollection, length);
        var info = GC.GetGCMemoryInfo();
        if (since >= Math.Max(CollectAfter, (info.HeapSizeBytes - info.FragmentedBytes) / 2))
        {
            Interlocked.Exchange(ref _computedSinceCollection, 0);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
    }

    /// <summary>The bytes of a computed tensor written at a time where its recipe computes a run alone.</summary>
    public const int WriteRun = 256 << 10;

    /// <summary>
    /// Writes a computed tensor whose recipe computes a run of it alone (<see cref="RangeFill"/>) a run of
    /// <see cref="WriteRun"/> bytes at a time through one pooled buffer, so the largest computed tensor is never held
    /// whole; the bytes are those <see cref="ReadInto"/> computes. False, with nothing written, where the recipe
    /// cannot compute the first run alone; where a later run fails, the rest is computed whole.
    /// </summary>
    private bool WriteInRuns(TensorProto tensor, long length, RangeFill range, Stream destination)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(WriteRun);
        try
        {
            for (long offset = 0; offset < length; offset += WriteRun)
            {
                var run = buffer.AsSpan(0, (int)Math.Min(WriteRun, length - offset));
                if (!range(offset, run))
                {
                    if (offset == 0) return false;
                    var whole = Read(tensor);
                    destination.Write(whole, (int)offset, (int)(length - offset));
                    return true;
                }
                destination.Write(run);
            }
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The least computed bytes written between two collections (see <see cref="WriteComputed"/>).</summary>
    private const long CollectAfter = 4 << 20;

    private long _computedSinceCollection;

    private byte[]? _scratch;

    public void Dispose()
    {
        foreach (var (handle, _) in _files.Values) handle.Dispose();
        _files.Clear();
        _opener?.Dispose();
        _modelFile?.Dispose();
        _computed.Clear();
        _scratch = null;
    }

    /// <summary>The location's open handle and size: opened and checked the first time it is asked for.</summary>
    private (SafeFileHandle Handle, long Size) Resolve(string tensor, string location)
    {
        if (_files.TryGetValue(location, out var known)) return known;
        if (BaseDirectory is null)
        {
            throw Error(ErrorCodes.ExternalDataMissing, $"tensor '{tensor}' is stored externally, but the model was not read from a file");
        }
        if (Path.IsPathRooted(location) || location.StartsWith('/') || location.StartsWith('\\') || (location.Length > 1 && location[1] == ':'))
        {
            throw Error(ErrorCodes.ExternalDataAbsolutePath, $"tensor '{tensor}' names the absolute external-data location '{location}'");
        }
        var full = Path.GetFullPath(Path.Combine(BaseDirectory, location));
        var root = BaseDirectory.EndsWith(Path.DirectorySeparatorChar) ? BaseDirectory : BaseDirectory + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw Error(ErrorCodes.ExternalDataEscapes, $"tensor '{tensor}' names external-data location '{location}', which leaves the model's folder");
        }
        _opener ??= new ExternalDataOpener(BaseDirectory, ModelPath);
        var entry = _opener.Open(tensor, location);
        _files[location] = entry;
        return entry;
    }

    private CodesignException Error(string code, string message) => new(code, message, ModelPath);
}
