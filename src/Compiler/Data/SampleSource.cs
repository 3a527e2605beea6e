namespace OnnxCoDesign.Compiler.Data;

/// <summary>
/// One data format, opened: how its samples fill the model inputs, how many there are, the labels it carries
/// itself (class sub-folders), and readers that stream its samples from the first.
/// </summary>
internal interface ISampleSource : IDisposable
{
    IReadOnlyList<InputLayout> Layouts { get; }

    long Count { get; }

    /// <summary>Labels the data carries itself (an image folder's class sub-folders); null where it has none.</summary>
    int[]? OwnLabels { get; }

    /// <summary>A reader at sample 0; each enumeration of a data set opens its own.</summary>
    IRowReader OpenRows();
}

/// <summary>Reads samples in order, one per call, into rows of batch buffers (one buffer per input, in layout order).</summary>
internal interface IRowReader : IDisposable
{
    /// <summary>Writes the next sample into row <paramref name="row"/> of each buffer (row · the input's row bytes on).</summary>
    void ReadInto(byte[][] buffers, int row);
}
