using System.Collections.Concurrent;
using Ferry.Server.Diagnostics;

namespace Ferry.Server.Tests.Diagnostics;

/// <summary>The log files' writer: lines in order, appended after anyone else's, flushed at dispose, reopened for logrotate, dropped (and said so) when the disk falls behind.</summary>
public sealed class BackgroundLineWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ferry-logwriter-").FullName;
    private readonly ConcurrentQueue<string> _problems = new();

    private string FilePath => Path.Combine(_folder, "test.log");

    private BackgroundLineWriter<string> Writer(int capacity = BackgroundLineWriter<string>.DefaultCapacity, Action<string>? beforeFormat = null) =>
        new(FilePath, (line, text) =>
        {
            beforeFormat?.Invoke(line);
            text.Append(line);
        }, _problems.Enqueue, capacity);

    [Fact]
    public async Task Every_queued_line_is_in_the_file_in_order_once_it_is_disposed()
    {
        await using (var writer = Writer())
        {
            for (var i = 0; i < 5000; i++)
            {
                writer.TryWrite("line " + i);
            }
        }

        Assert.Equal(Enumerable.Range(0, 5000).Select(i => "line " + i), await File.ReadAllLinesAsync(FilePath));
        Assert.Empty(_problems);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(FilePath));
    }

    [Fact]
    public async Task Lines_are_appended_after_what_another_writer_added_never_over_it()
    {
        await File.WriteAllTextAsync(FilePath, "before\n");
        await using (var writer = Writer())
        {
            writer.TryWrite("first");
            await WaitForLinesAsync(2);

            // `ferry user` appending an admin line while the server runs: a writer that kept its own
            // offset (a .NET FileStream) would write its next line over this one.
            await File.AppendAllTextAsync(FilePath, "from another process\n");
            writer.TryWrite("second");
        }

        Assert.Equal(["before", "first", "from another process", "second"], await File.ReadAllLinesAsync(FilePath));
    }

    [Fact]
    public async Task After_logrotate_copytruncate_lines_start_again_at_the_start_of_the_file_without_a_hole()
    {
        await using (var writer = Writer())
        {
            writer.TryWrite(new string('x', 4000));
            await WaitForLinesAsync(1);
            File.Copy(FilePath, FilePath + ".1");
            await using (var truncate = new FileStream(FilePath, FileMode.Open, FileAccess.Write))
            {
                truncate.SetLength(0);
            }

            writer.TryWrite("after the truncate");
        }

        // A writer that kept its own offset would write at 4001, after 4001 NULs.
        Assert.Equal("after the truncate\n", await File.ReadAllTextAsync(FilePath));
    }

    [Fact]
    public async Task Reopen_after_logrotate_moved_the_file_writes_later_lines_to_a_new_file()
    {
        var rotated = FilePath + ".1";
        await using (var writer = Writer())
        {
            writer.TryWrite("old");
            await WaitForLinesAsync(1);
            File.Move(FilePath, rotated);
            writer.Reopen();
            writer.TryWrite("new");
        }

        Assert.Equal(["old"], await File.ReadAllLinesAsync(rotated));
        Assert.Equal(["new"], await File.ReadAllLinesAsync(FilePath));
    }

    [Fact]
    public async Task A_full_queue_drops_lines_without_blocking_and_says_how_many()
    {
        using var writing = new ManualResetEventSlim(false);
        using var diskIsSlow = new ManualResetEventSlim(false);
        await using (var writer = Writer(capacity: 4, beforeFormat: line =>
        {
            if (line == "first")
            {
                writing.Set();
                diskIsSlow.Wait(TimeSpan.FromSeconds(10));
            }
        }))
        {
            writer.TryWrite("first");
            Assert.True(writing.Wait(TimeSpan.FromSeconds(10)));

            // The writer is stuck on "first": four more fit in the queue, the other 96 are dropped at once.
            for (var i = 0; i < 100; i++)
            {
                writer.TryWrite("more " + i);
            }

            diskIsSlow.Set();
        }

        Assert.Equal(["first", "more 0", "more 1", "more 2", "more 3"], await File.ReadAllLinesAsync(FilePath));
        var dropped = Assert.Single(_problems);
        Assert.StartsWith("96 line(s) for " + FilePath + " were dropped", dropped, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_that_cannot_be_opened_fails_at_once_naming_it()
    {
        var missing = Path.Combine(_folder, "no-such-folder", "x.log");
        var error = Assert.Throws<IOException>(() => new BackgroundLineWriter<string>(missing, (line, text) => text.Append(line), _ => { }));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", error.Message, StringComparison.Ordinal);
    }

    private async Task WaitForLinesAsync(int count) =>
        await WaitUntilAsync(() => File.Exists(FilePath) && File.ReadAllLines(FilePath).Length >= count, TimeSpan.FromSeconds(10));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
