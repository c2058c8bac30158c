using System.Runtime.InteropServices;
using System.Text;
using Ferry.Server.Storage.Local;
using Ferry.Server.Tests.Robustness;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;
using Xunit.Abstractions;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// Issue 11, finding 5: a local account that can write into a home swaps a directory for a
/// symlink to a folder outside, in a tight loop, while the FTP user works under that directory.
/// A server that checks a path and then opens it again loses that race now and then (the probe:
/// 805 of 28,732 RETRs served from outside in 30 s, 1,106 entries created outside, a chmod
/// applied outside); one that resolves every name from a held directory handle never does.
/// </summary>
public sealed partial class SymlinkRaceTests(ITestOutputHelper output)
{
    private const string InsideContent = "inside the home";
    private const string OutsideContent = "OUTSIDE the home: never to be served";
    private const UnixFileMode OutsideMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private static readonly TimeSpan RaceTime = TimeSpan.FromSeconds(10);
    private const int MaxSwaps = 50_000_000;
    private const int MaxRounds = 100_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [VerbTest("RETR", "STOR", "MKD", "SITE")]
    public async Task A_directory_swapped_with_an_outside_symlink_in_a_loop_never_lets_a_command_reach_outside(bool useOpenat2)
    {
        // false: every lookup takes the per-component O_NOFOLLOW walk, as on a kernel without openat2.
        await using var server = await TestServer.StartAsync(fileSystemFactory: useOpenat2
            ? null
            : user => new LocalFileSystem(user.HomeDirectory, allowHardLinkWrites: false, useOpenat2: false));

        // The outside folder sits next to the home, holding a file of the same name as the one inside.
        var outside = Path.Combine(server.Folder, "outside");
        Directory.CreateDirectory(outside);
        var outsideFile = Path.Combine(outside, "data.txt");
        await File.WriteAllTextAsync(outsideFile, OutsideContent);
        File.SetUnixFileMode(outsideFile, OutsideMode);
        var outsideFolderMode = File.GetUnixFileMode(outside);
        Directory.CreateDirectory(server.PathOf("swap"));
        await File.WriteAllTextAsync(server.PathOf("swap/data.txt"), InsideContent);
        File.SetUnixFileMode(server.PathOf("swap/data.txt"), OutsideMode);
        Directory.CreateSymbolicLink(server.PathOf("swap-link"), "../outside");

        await using var transfers = await server.ConnectAsync();
        await transfers.CommandAsync("TYPE I", 200);
        await using var changes = await server.ConnectAsync();

        using var stop = new CancellationTokenSource(RaceTime);
        var swapper = Task.Factory.StartNew(() => SwapUntil(server.PathOf("swap"), server.PathOf("swap-link"), stop.Token), TaskCreationOptions.LongRunning);
        var downloads = Task.Run(() => TransferUntilAsync(transfers, stop.Token));
        var edits = Task.Run(() => ChangeUntilAsync(changes, stop.Token));
        var transferCounts = await downloads;
        var changeCounts = await edits;
        await stop.CancelAsync();
        var swaps = await swapper;

        output.WriteLine($"openat2: {useOpenat2}; swaps: {swaps}; RETR served inside: {transferCounts.Inside}, outside: {transferCounts.Outside}, refused: {transferCounts.RetrRefused}; " +
            $"STOR ok: {transferCounts.Stored}, refused: {transferCounts.StorRefused}; MKD ok: {changeCounts.Made}, refused: {changeCounts.MkdRefused}; " +
            $"SITE CHMOD ok: {changeCounts.Chmodded}, refused: {changeCounts.ChmodRefused}");
        var created = Directory.GetFileSystemEntries(outside).Select(Path.GetFileName).Where(name => name != "data.txt").ToList();
        Assert.True(transferCounts.Outside == 0, $"{transferCounts.Outside} RETRs served the file outside the home");
        Assert.True(created.Count == 0, $"{created.Count} entries created outside the home, e.g. {string.Join(", ", created.Take(5))}");
        Assert.Equal(OutsideMode, File.GetUnixFileMode(outsideFile));
        Assert.Equal(outsideFolderMode, File.GetUnixFileMode(outside));
        Assert.Equal(OutsideContent, await File.ReadAllTextAsync(outsideFile));

        // The race really ran, and commands went through while it did (not all refused).
        Assert.True(swaps > 100, $"only {swaps} swaps");
        Assert.True(transferCounts.Inside > 0 && transferCounts.Stored > 0 && changeCounts.Made > 0 && changeCounts.Chmodded > 0,
            "no command succeeded during the race, so it proved nothing");
        await transfers.CommandAsync("NOOP", 200);
        await changes.CommandAsync("NOOP", 200);
    }

    /// <summary>Exchanges the directory and the symlink (renameat2 RENAME_EXCHANGE: "swap" is always one of the two, never missing) until told to stop.</summary>
    private static long SwapUntil(string directory, string symlink, CancellationToken stop)
    {
        long swaps = 0;
        while (!stop.IsCancellationRequested && swaps < MaxSwaps)
        {
            if (RenameExchange(AtCurrentDirectory, directory, AtCurrentDirectory, symlink, RenameExchangeFlag) != 0)
            {
                throw new IOException("renameat2 RENAME_EXCHANGE failed: " + Marshal.GetLastPInvokeError());
            }

            swaps++;
        }

        return swaps;
    }

    private sealed record TransferCounts(int Inside, int Outside, int RetrRefused, int Stored, int StorRefused);

    private sealed record ChangeCounts(int Made, int MkdRefused, int Chmodded, int ChmodRefused);

    /// <summary>RETR swap/data.txt and STOR swap/up-N.txt, in turn, until the race ends.</summary>
    private static async Task<TransferCounts> TransferUntilAsync(WireClient ftp, CancellationToken stop)
    {
        int inside = 0, outside = 0, retrRefused = 0, stored = 0, storRefused = 0;
        for (var round = 0; round < MaxRounds && !stop.IsCancellationRequested; round++)
        {
            var (retr, data) = await DataHelpers.TryDownloadAsync(ftp, "RETR swap/data.txt");
            var text = Encoding.UTF8.GetString(data);
            if (text.Contains("OUTSIDE", StringComparison.Ordinal))
            {
                outside++;
            }
            else if (retr.Code == 226 && text == InsideContent)
            {
                inside++;
            }
            else
            {
                retrRefused++;
            }

            var stor = await DataHelpers.TryUploadAsync(ftp, $"STOR swap/up-{round}.txt", "uploaded");
            _ = stor.Code == 226 ? stored++ : storRefused++;
        }

        return new TransferCounts(inside, outside, retrRefused, stored, storRefused);
    }

    /// <summary>MKD swap/d-N and SITE CHMOD of swap/data.txt (600 and 640 in turn), until the race ends.</summary>
    private static async Task<ChangeCounts> ChangeUntilAsync(WireClient ftp, CancellationToken stop)
    {
        int made = 0, mkdRefused = 0, chmodded = 0, chmodRefused = 0;
        for (var round = 0; round < MaxRounds && !stop.IsCancellationRequested; round++)
        {
            var mkd = await ftp.SendAndReadAsync($"MKD swap/d-{round}");
            _ = mkd.Code == 257 ? made++ : mkdRefused++;
            var chmod = await ftp.SendAndReadAsync(round % 2 == 0 ? "SITE CHMOD 600 swap/data.txt" : "SITE CHMOD 640 swap/data.txt");
            _ = chmod.Code == 200 ? chmodded++ : chmodRefused++;
        }

        return new ChangeCounts(made, mkdRefused, chmodded, chmodRefused);
    }

    private const int AtCurrentDirectory = -100;
    private const uint RenameExchangeFlag = 2;

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameExchange(int fromDirectory, string from, int toDirectory, string to, uint flags);
}
