using BenchmarkDotNet.Attributes;
using Ferry.Server;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;

namespace Ferry.Benchmarks.Transfers;

/// <summary>
/// The copy loops of TransferPump with the server's default buffer (TransferBufferSize), one
/// 16 MiB transfer per operation, unthrottled: Download is storage to network
/// (CopyToNetworkAsync, the path for TLS, TYPE A, or storage without a file handle), Upload is
/// network to storage (CopyFromNetworkAsync). The network side is a MemoryStream (upload) or
/// Stream.Null (download). Allocated is per transfer; the target is nothing beyond the pooled buffers.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class TransferPumpBenchmarks
{
    private static readonly int BufferSize = new FtpServerOptions().TransferBufferSize;

    private readonly DataTransfer _transfer = new("benchmark");
    private MemoryStream _storedFile = new();
    private MemoryStream _uploadedBytes = new();
    private FileStream? _readFile;
    private FileStream? _writeFile;
    private string? _readPath;
    private string? _writePath;

    [ParamsAllValues]
    public StorageKind Storage { get; set; }

    [Params(false, true)]
    public bool Ascii { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Local files have LF line ends; TYPE A puts CRLF on the wire (RFC 959 §3.1.1.1).
        var stored = Ascii ? SampleData.Text(crlf: false) : SampleData.Binary();
        var onTheWire = Ascii ? SampleData.Text(crlf: true) : SampleData.Binary();
        _storedFile = new MemoryStream(stored, writable: false);
        _uploadedBytes = new MemoryStream(onTheWire, writable: false);
        if (Storage == StorageKind.File)
        {
            _readPath = Path.GetTempFileName();
            _writePath = Path.GetTempFileName();
            File.WriteAllBytes(_readPath, stored);
            _readFile = new FileStream(_readPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite,
                BufferSize = 0,
                Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
            });
            _writeFile = new FileStream(_writePath, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                Share = FileShare.Read,
                BufferSize = 0,
                Options = FileOptions.SequentialScan,
            });
        }
    }

    [Benchmark]
    public Task Download()
    {
        Stream file = _readFile ?? (Stream)_storedFile;
        file.Position = 0;
        return TransferPump.CopyToNetworkAsync(file, Stream.Null, Ascii, BufferSize, _transfer, CancellationToken.None);
    }

    [Benchmark]
    public Task Upload()
    {
        _uploadedBytes.Position = 0;
        Stream file = _writeFile ?? Stream.Null;
        // Rewritten in place: the same bytes over the same blocks each time, no growth to measure.
        file.Position = 0;
        return TransferPump.CopyFromNetworkAsync(_uploadedBytes, file, Ascii, BufferSize, _transfer, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _readFile?.Dispose();
        _writeFile?.Dispose();
        _storedFile.Dispose();
        _uploadedBytes.Dispose();
        _transfer.Dispose();
        foreach (var path in new[] { _readPath, _writePath })
        {
            if (path is not null)
            {
                File.Delete(path);
            }
        }
    }
}
