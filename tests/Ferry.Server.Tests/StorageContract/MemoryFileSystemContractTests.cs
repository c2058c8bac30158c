using Ferry.Server.Storage;
using Ferry.Server.Tests.Support.Memory;

namespace Ferry.Server.Tests.StorageContract;

/// <summary>The contract's error kinds and upload modes on the in-memory backend, plus what only it promises about an abort.</summary>
public sealed class MemoryFileSystemContractTests : FileSystemContractTests
{
    private readonly InMemoryVolume _volume = new();

    protected override IFileSystem CreateFileSystem() => new InMemoryFileSystem(_volume);

    /// <summary>IUpload: nothing is visible before the commit, and an abort of Replace or CreateNew changes nothing.</summary>
    [Fact]
    public async Task Replace_and_create_new_are_invisible_until_commit_and_dropped_on_abort()
    {
        _volume.WriteFile("/old.bin", [1, 1]);
        var fileSystem = new InMemoryFileSystem(_volume);
        await using (var replace = await fileSystem.BeginUploadAsync(At("/old.bin"), UploadMode.Replace, 0, CancellationToken.None))
        await using (var create = await fileSystem.BeginUploadAsync(At("/new.bin"), UploadMode.CreateNew, 0, CancellationToken.None))
        {
            await replace.Content.WriteAsync(new byte[] { 2, 2, 2 });
            await create.Content.WriteAsync(new byte[] { 3 });
            Assert.Equal([1, 1], _volume.ReadFile("/old.bin"));
            Assert.False(_volume.FileExists("/new.bin"));
        }

        Assert.Equal([1, 1], _volume.ReadFile("/old.bin"));
        Assert.False(_volume.FileExists("/new.bin"));
    }

    /// <summary>An aborted resume keeps what arrived, so the client's next REST (from SIZE) continues from there.</summary>
    [Fact]
    public async Task An_aborted_resume_keeps_the_bytes_received()
    {
        _volume.WriteFile("/part.bin", [1, 2, 3, 4]);
        var fileSystem = new InMemoryFileSystem(_volume);
        await using (var resume = await fileSystem.BeginUploadAsync(At("/part.bin"), UploadMode.Resume, 2, CancellationToken.None))
        {
            await resume.Content.WriteAsync(new byte[] { 7, 7, 7 });
        }

        Assert.Equal([1, 2, 7, 7, 7], _volume.ReadFile("/part.bin"));
    }

    /// <summary>CreateNew checks again at the commit: a name taken meanwhile is AlreadyExists, and the winner's file stays.</summary>
    [Fact]
    public async Task Create_new_fails_at_commit_when_the_name_was_taken_meanwhile()
    {
        var fileSystem = new InMemoryFileSystem(_volume);
        await using var late = await fileSystem.BeginUploadAsync(At("/race.bin"), UploadMode.CreateNew, 0, CancellationToken.None);
        await late.Content.WriteAsync(new byte[] { 2 });
        await UploadAsync("/race.bin", UploadMode.CreateNew, 0, [1]);
        Assert.Equal(StorageErrorKind.AlreadyExists, (await Assert.ThrowsAsync<StorageException>(() => late.CommitAsync(CancellationToken.None).AsTask())).Kind);
        Assert.Equal([1], _volume.ReadFile("/race.bin"));
    }
}
