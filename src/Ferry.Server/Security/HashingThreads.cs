namespace Ferry.Server.Security;

/// <summary>
/// Password hashes run here: on one background thread per core, shared by every server in the
/// process, not on the thread pool. A hash is milliseconds of CPU by design; on a 2-core machine
/// two of them would hold both thread-pool threads there are, and every session's I/O would wait
/// until the pool grew. Here a login storm or a brute force queues without holding a thread, and
/// at most one hash per core runs at a time. The queue is ordered by <see cref="HashPriority"/>
/// (first in, first out within one): how many checks one address or one account may have queued
/// at all is bounded before they get here (<see cref="AddressLoginGate"/>,
/// <see cref="AccountLoginThrottle"/>), and this order keeps what is queued from being served
/// before the owner of an account or a client that has not failed yet.
/// </summary>
internal static class HashingThreads
{
    private static readonly Queue<Action>[] Queues = [.. Enum.GetValues<HashPriority>().Select(_ => new Queue<Action>())];
    private static readonly SemaphoreSlim Queued = Start();

    public static Task<T> RunAsync<T>(Func<T> work, HashPriority priority = HashPriority.Normal)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Queues)
        {
            Queues[(int)priority].Enqueue(() =>
            {
                try
                {
                    result.SetResult(work());
                }
                catch (Exception e)
                {
                    result.SetException(e);
                }
            });
        }

        Queued.Release();
        return result.Task;
    }

    private static Action Next()
    {
        lock (Queues)
        {
            foreach (var queue in Queues)
            {
                if (queue.TryDequeue(out var work))
                {
                    return work;
                }
            }
        }

        // Each Release above goes with one Enqueue, so a thread that passed Wait always finds work.
        throw new InvalidOperationException("The hashing queue was signalled with nothing in it.");
    }

    private static SemaphoreSlim Start()
    {
        var queued = new SemaphoreSlim(0);
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            new Thread(() =>
            {
                while (true)
                {
                    queued.Wait();
                    Next()();
                }
            })
            {
                IsBackground = true,
                Name = "ferry-hashing",
            }.Start();
        }

        return queued;
    }
}
