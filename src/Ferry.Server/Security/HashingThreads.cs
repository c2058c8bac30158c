using System.Collections.Concurrent;

namespace Ferry.Server.Security;

/// <summary>
/// Password hashes run here: on one background thread per core, shared by every server in the
/// process, not on the thread pool. A hash is milliseconds of CPU by design; on a 2-core machine
/// two of them would hold both thread-pool threads there are, and every session's I/O would wait
/// until the pool grew. Here a login storm or a brute force queues without holding a thread, and
/// at most one hash per core runs at a time.
/// </summary>
internal static class HashingThreads
{
    private static readonly BlockingCollection<Action> Queue = Start();

    public static Task<T> RunAsync<T>(Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add(() =>
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
        return result.Task;
    }

    private static BlockingCollection<Action> Start()
    {
        var queue = new BlockingCollection<Action>();
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            new Thread(() =>
            {
                foreach (var work in queue.GetConsumingEnumerable())
                {
                    work();
                }
            })
            {
                IsBackground = true,
                Name = "ferry-hashing",
            }.Start();
        }

        return queue;
    }
}
