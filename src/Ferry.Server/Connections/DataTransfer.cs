namespace Ferry.Server.Connections;

/// <summary>The transfer running on a session: what STAT reports and what ABOR cancels.</summary>
internal sealed class DataTransfer : IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private long _bytes;

    public DataTransfer(string description) => Description = description;

    public string Description { get; }

    public Task Completion { get; set; } = Task.CompletedTask;

    public CancellationToken AbortToken => _abort.Token;

    public bool AbortRequested => _abort.IsCancellationRequested;

    public long BytesTransferred => Interlocked.Read(ref _bytes);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _abort.Dispose();
}
