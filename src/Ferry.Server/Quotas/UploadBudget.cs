using Ferry.Server.Storage;

namespace Ferry.Server.Quotas;

/// <summary>
/// The pump's side of <see cref="IUploadAllowance"/>: sizes each read so that at most one byte
/// past the grant is ever taken from the network (to tell an upload that ends exactly at the limit
/// from one that goes on), and stops the upload before a byte past the grant reaches storage.
/// </summary>
internal readonly struct UploadBudget(IUploadAllowance? allowance)
{
    /// <summary>Grants asked for at least this much at a time, so the account's lock is taken about once per MiB.</summary>
    private const long GrantStep = 1024 * 1024;

    /// <summary>How many bytes the next read may take, at most <paramref name="wanted"/>.</summary>
    public int NextRead(long received, int wanted)
    {
        if (allowance is null)
        {
            return wanted;
        }

        if (allowance.Granted - received < wanted)
        {
            allowance.Extend(Math.Max(GrantStep, wanted - (allowance.Granted - received)));
        }

        return (int)Math.Min(wanted, allowance.Granted - received + 1);
    }

    /// <summary>Bytes read and dropped after the quota is reached, at most, so a client still sending sees the 552.</summary>
    internal const int DrainLimit = 16 * 1024 * 1024;

    /// <summary>How long the drain may take, at most.</summary>
    internal static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(5);

    /// <summary>True once more was received than granted: the caller writes nothing more and calls <see cref="RefuseAsync"/>.</summary>
    public bool Exceeded(long received) => allowance is not null && received > allowance.Granted;

    /// <summary>
    /// Ends an upload past its quota with QuotaExceeded (552); nothing past the grant is written.
    /// Most clients (curl, ftplib) write the whole file before they read the control connection,
    /// and one whose send fails on a closed data connection reports that and never reads the 552
    /// (curl: exit 55, "Send failure: Broken pipe"). So the rest is read and dropped, up to
    /// <see cref="DrainLimit"/> bytes or <see cref="DrainTime"/>, whichever comes first, before
    /// the data connection is closed: bounded, so the quota cannot be used to pin a session.
    /// </summary>
    public async Task RefuseAsync(Stream network, CancellationToken cancellationToken)
    {
        allowance?.Exceeded();
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(DrainTime);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var drained = 0L;
            while (drained < DrainLimit)
            {
                var read = await network.ReadAsync(buffer, drain.Token);
                if (read == 0)
                {
                    break;
                }

                drained += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The client went on past the drain's bounds, or went away: the 552 stands either way.
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        throw new StorageException(StorageErrorKind.QuotaExceeded);
    }
}
