namespace Ferry.Benchmarks.Transfers;

/// <summary>The storage side of a transfer benchmark.</summary>
public enum StorageKind
{
    /// <summary>A MemoryStream to read from, or Stream.Null to write to: the copy loop alone.</summary>
    Memory,

    /// <summary>A temporary file opened as LocalFileSystem opens it (BufferSize 0, SequentialScan; async for reads).</summary>
    File,
}
