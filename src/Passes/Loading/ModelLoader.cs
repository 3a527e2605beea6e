using Google.Protobuf;
using Onnx;
using OnnxCoDesign.Passes.Checking;
using OnnxCoDesign.Passes.Diagnostics;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// Parses a ModelProto from a file, checks its structure as ONNX's checker does (<see cref="ModelChecker"/>)
/// and every external-data reference before anything reads it.
/// Large inline weights are left in the file and read on demand, so loading costs little memory.
/// </summary>
public static class ModelLoader
{
    /// <summary>Inline raw_data of at least this many bytes is left in the file until it is read.</summary>
    public const int DeferredWeightThreshold = ModelFileReader.DeferThreshold;

    public static LoadedModel Load(string path)
    {
        // Opened once, without blocking, and checked on the handle (a FIFO or a device is refused, not read);
        // the model is parsed through that handle and deferred weights are served from it.
        var file = GuardedFile.Open(path, InputFileKind.Model);
        var store = new ExternalDataStore(path);
        var handed = false;
        try
        {
            if (file.Length == 0) throw new CodesignException(ErrorCodes.EmptyFile, "the file is empty", path);
            var model = Parse(file, store, out handed);
            ModelChecker.CheckStoredData(model, path, store.IsDeferred);
            foreach (var tensor in AllTensors(model).Where(ExternalDataReference.IsExternal)) store.Validate(tensor);
            TensorSizeCheck.Verify(model, store, path);
            ModelChecker.CheckGraph(model, path);
            return new LoadedModel(model, path, store);
        }
        catch
        {
            store.Dispose();
            throw;
        }
        finally
        {
            if (!handed) file.Dispose();
        }
    }

    /// <summary>
    /// Every TensorProto of a model: those of its graph (see <see cref="AllTensors(GraphProto)"/>) and the
    /// tensor attributes of model-local functions.
    /// </summary>
    public static IEnumerable<TensorProto> AllTensors(ModelProto model)
    {
        var graph = model.Graph is null ? Enumerable.Empty<TensorProto>() : AllTensors(model.Graph);
        return graph.Concat(model.Functions.SelectMany(f => NodeTensors(f.Node)));
    }

    /// <summary>
    /// Every TensorProto in a graph and its subgraphs: initializers, the values and indices of sparse
    /// initializers, and tensor attributes (sparse ones included).
    /// </summary>
    public static IEnumerable<TensorProto> AllTensors(GraphProto graph)
    {
        foreach (var t in graph.Initializer) yield return t;
        foreach (var t in graph.SparseInitializer.SelectMany(SparseParts)) yield return t;
        foreach (var t in NodeTensors(graph.Node)) yield return t;
    }

    private static IEnumerable<TensorProto> NodeTensors(IEnumerable<NodeProto> nodes)
    {
        foreach (var node in nodes)
        {
            foreach (var attr in node.Attribute)
            {
                if (attr.T is not null) yield return attr.T;
                foreach (var t in attr.Tensors) yield return t;
                if (attr.SparseTensor is not null) foreach (var t in SparseParts(attr.SparseTensor)) yield return t;
                foreach (var t in attr.SparseTensors.SelectMany(SparseParts)) yield return t;
                var subgraphs = attr.G is null ? attr.Graphs : attr.Graphs.Append(attr.G);
                foreach (var t in subgraphs.SelectMany(AllTensors)) yield return t;
            }
        }
    }

    private static IEnumerable<TensorProto> SparseParts(SparseTensorProto sparse)
    {
        if (sparse.Values is not null) yield return sparse.Values;
        if (sparse.Indices is not null) yield return sparse.Indices;
    }

    /// <summary>
    /// Parses the model, leaving large inline weights in the file (see <see cref="ModelFileReader"/>): the
    /// store keeps the handle the model was parsed through and serves those bytes on demand.
    /// </summary>
    private static ModelProto Parse(GuardedFile file, ExternalDataStore store, out bool handed)
    {
        var path = file.Path;
        ModelProto model;
        handed = false;
        try
        {
            var (parsed, deferred) = ModelFileReader.Read(new HandleReadStream(file.Handle), path);
            model = parsed;
            foreach (var (offset, length) in deferred) store.Defer(file.Handle, offset, length);
            handed = deferred.Count > 0;
        }
        catch (Exception e) when (IsTruncation(e) && StartsLikeAModel(file))
        {
            throw new CodesignException(ErrorCodes.Truncated, "the file ends in the middle of a protobuf field: it is truncated", path);
        }
        catch (WireFormatException e)
        {
            throw new CodesignException(ErrorCodes.NotOnnx, $"not an ONNX model: {e.Message}", path);
        }
        catch (InvalidProtocolBufferException e) when (IsTooDeep(e))
        {
            // Protobuf's own message advises calling CodedInputStream.SetRecursionLimit(), which no user can.
            throw new CodesignException(ErrorCodes.ModelNestingTooDeep,
                "messages are nested deeper than 100 levels (subgraphs within subgraphs): not a model this tool reads", path);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CodesignException(ErrorCodes.NotOnnx, $"not an ONNX model: {e.Message}", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CodesignException(ErrorCodes.FileUnreadable, e.Message, path);
        }

        // Protobuf accepts many byte strings as some message; a real model has these.
        if (model.IrVersion <= 0 || model.Graph is null)
        {
            throw new CodesignException(ErrorCodes.NotOnnx, "not an ONNX model: no ir_version or no graph", path);
        }
        if (model.OpsetImport.Count == 0 && model.IrVersion >= 3)
        {
            throw new CodesignException(ErrorCodes.Truncated, "the model declares no opset_import: the file is truncated or damaged", path);
        }
        return model;
    }

    private static bool IsTooDeep(InvalidProtocolBufferException e) =>
        e.Message.Contains("levels of nesting", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("SetRecursionLimit", StringComparison.Ordinal);

    private static bool IsTruncation(Exception e) => e switch
    {
        WireFormatException w => w.Truncated,
        InvalidProtocolBufferException p => p.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase)
                                            || p.Message.Contains("ended unexpectedly", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>
    /// Every serialiser writes fields in number order, so a model file starts with ir_version (field 1,
    /// varint: byte 0x08) and a small version number. Random bytes often "end unexpectedly" too; only a file
    /// that starts like a model is reported as truncated, anything else as not ONNX.
    /// </summary>
    private static bool StartsLikeAModel(GuardedFile file)
    {
        Span<byte> header = stackalloc byte[2];
        int n;
        try
        {
            n = RandomAccess.Read(file.Handle, header, 0);
            if (n == 1) n += RandomAccess.Read(file.Handle, header[1..], 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return n >= 1 && header[0] == 0x08 && (n == 1 || header[1] is >= 1 and < 0x80);
    }
}
