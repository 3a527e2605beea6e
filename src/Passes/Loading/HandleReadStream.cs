using Microsoft.Win32.SafeHandles;

namespace OnnxCoDesign.Passes.Loading;

/// <summary>
/// A buffered, seekable, read-only stream over a file handle that it does not own, so the loader can
/// parse through the same handle that later serves deferred weights (the file cannot be swapped between).
/// </summary>
internal sealed class HandleReadStream(SafeFileHandle handle) : Stream
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly long _length = RandomAccess.GetLength(handle);
    private long _bufferStart;
    private int _bufferCount;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int ReadByte()
    {
        if (_position < _bufferStart || _position >= _bufferStart + _bufferCount)
        {
            if (!Fill()) return -1;
        }
        return _buffer[_position++ - _bufferStart];
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (destination.Length >= _buffer.Length)
        {
            var direct = RandomAccess.Read(handle, destination, _position);
            _position += direct;
            return direct;
        }
        if ((_position < _bufferStart || _position >= _bufferStart + _bufferCount) && !Fill()) return 0;
        var available = (int)(_bufferStart + _bufferCount - _position);
        var n = Math.Min(available, destination.Length);
        _buffer.AsSpan((int)(_position - _bufferStart), n).CopyTo(destination);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool Fill()
    {
        _bufferStart = _position;
        _bufferCount = _position >= _length ? 0 : RandomAccess.Read(handle, _buffer, _position);
        return _bufferCount > 0;
    }
}
