using Ferry.Server.Storage;

namespace Ferry.Server.Tests.StorageContract;

/// <summary>
/// The storage contract below the wire, where the replies cannot tell the errors apart (most are
/// 550): each failure has the same <see cref="StorageErrorKind"/> from every backend, so a third
/// backend knows what to throw. Written once, run against LocalFileSystem and InMemoryFileSystem;
/// files are seeded through the contract itself.
/// </summary>
public abstract class FileSystemContractTests : IDisposable
{
    private IFileSystem? _fileSystem;

    private IFileSystem Storage => _fileSystem ??= CreateFileSystem();

    public void Dispose()
    {
        _fileSystem?.Dispose();
        Cleanup();
        GC.SuppressFinalize(this);
    }

    protected abstract IFileSystem CreateFileSystem();

    /// <summary>Removes whatever the backend left outside the process (a temp folder).</summary>
    protected virtual void Cleanup()
    {
    }

    [Fact]
    public async Task Reads_of_what_is_not_a_file_fail_with_their_kind()
    {
        await SeedAsync("/file.txt", [1, 2, 3]);
        await Storage.CreateDirectoryAsync(At("/dir"), CancellationToken.None);

        Assert.Null(await Storage.GetEntryAsync(At("/missing"), CancellationToken.None));
        Assert.Null(await Storage.GetEntryAsync(At("/file.txt/below"), CancellationToken.None));
        await ExpectAsync(StorageErrorKind.NotFound, () => Storage.OpenReadAsync(At("/missing"), 0, CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.IsADirectory, () => Storage.OpenReadAsync(At("/dir"), 0, CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.NotFound, () => ListAsync("/missing"));
        await ExpectAsync(StorageErrorKind.NotADirectory, () => ListAsync("/file.txt"));

        var entry = await Storage.GetEntryAsync(At("/file.txt"), CancellationToken.None);
        Assert.Equal(("file.txt", false, 3L), (entry!.Name, entry.IsDirectory, entry.Size));
        await using var tail = await Storage.OpenReadAsync(At("/file.txt"), 1, CancellationToken.None);
        using var read = new MemoryStream();
        await tail.CopyToAsync(read);
        Assert.Equal([2, 3], read.ToArray());
    }

    [Fact]
    public async Task Folder_changes_fail_with_their_kind()
    {
        await SeedAsync("/file.txt", [1]);
        await SeedAsync("/full/inside.txt", [2]);

        await ExpectAsync(StorageErrorKind.AlreadyExists, () => Storage.CreateDirectoryAsync(At("/full"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.AlreadyExists, () => Storage.CreateDirectoryAsync(At("/file.txt"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.NotFound, () => Storage.CreateDirectoryAsync(At("/missing/new"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.NotADirectory, () => Storage.CreateDirectoryAsync(At("/file.txt/new"), CancellationToken.None).AsTask());

        await ExpectAsync(StorageErrorKind.NotEmpty, () => Storage.DeleteDirectoryAsync(At("/full"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.NotADirectory, () => Storage.DeleteDirectoryAsync(At("/file.txt"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.NotFound, () => Storage.DeleteDirectoryAsync(At("/missing"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.IsADirectory, () => Storage.DeleteFileAsync(At("/full"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.NotFound, () => Storage.DeleteFileAsync(At("/missing"), CancellationToken.None).AsTask());

        await Storage.DeleteFileAsync(At("/full/inside.txt"), CancellationToken.None);
        await Storage.DeleteDirectoryAsync(At("/full"), CancellationToken.None);
        Assert.Null(await Storage.GetEntryAsync(At("/full"), CancellationToken.None));
    }

    [Fact]
    public async Task Renames_fail_with_their_kind_and_a_file_replaces_a_file()
    {
        await SeedAsync("/a.txt", [1]);
        await SeedAsync("/b.txt", [2, 2]);
        await SeedAsync("/dir/inside.txt", [3]);
        await Storage.CreateDirectoryAsync(At("/other"), CancellationToken.None);

        await ExpectAsync(StorageErrorKind.NotFound, () => Storage.RenameAsync(At("/missing"), At("/x"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.NotFound, () => Storage.RenameAsync(At("/a.txt"), At("/missing/x"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.AlreadyExists, () => Storage.RenameAsync(At("/dir"), At("/other"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.IsADirectory, () => Storage.RenameAsync(At("/a.txt"), At("/other"), CancellationToken.None).AsTask());
        await ExpectAsync(StorageErrorKind.InvalidName, () => Storage.RenameAsync(At("/dir"), At("/dir/inner"), CancellationToken.None).AsTask());

        var moved = (await Storage.GetEntryAsync(At("/a.txt"), CancellationToken.None))!.UniqueId;
        await Storage.RenameAsync(At("/a.txt"), At("/b.txt"), CancellationToken.None);
        var replaced = await Storage.GetEntryAsync(At("/b.txt"), CancellationToken.None);
        Assert.Equal(1L, replaced!.Size);
        Assert.Equal([1], await ReadAsync("/b.txt"));
        if (RenameKeepsIdentity)
        {
            Assert.Equal(moved, replaced.UniqueId);
        }

        Assert.Null(await Storage.GetEntryAsync(At("/a.txt"), CancellationToken.None));
    }

    /// <summary>
    /// A rename moves the file itself, so its MLSx "unique" id stays (an inode on disk, a node in
    /// memory). False where a rename makes a new object (S3: a copy, whose id is its key's hash),
    /// which RFC 3659 §7.5.2 allows: the id names the object, and the object is new.
    /// </summary>
    protected virtual bool RenameKeepsIdentity => true;

    [Fact]
    public async Task Uploads_that_cannot_begin_fail_with_their_kind()
    {
        await SeedAsync("/file.txt", [1, 2, 3, 4]);
        await Storage.CreateDirectoryAsync(At("/dir"), CancellationToken.None);

        await ExpectAsync(StorageErrorKind.AlreadyExists, () => BeginAsync("/file.txt", UploadMode.CreateNew));
        await ExpectAsync(StorageErrorKind.AlreadyExists, () => BeginAsync("/dir", UploadMode.CreateNew));
        await ExpectAsync(StorageErrorKind.IsADirectory, () => BeginAsync("/dir", UploadMode.Replace));
        await ExpectAsync(StorageErrorKind.IsADirectory, () => BeginAsync("/dir", UploadMode.Append));
        await ExpectAsync(StorageErrorKind.NotFound, () => BeginAsync("/missing/new.txt", UploadMode.Replace));
        await ExpectAsync(StorageErrorKind.NotADirectory, () => BeginAsync("/file.txt/new.txt", UploadMode.Replace));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Storage.BeginUploadAsync(At("/new.txt"), UploadMode.Replace, 0, cancelled.Token).AsTask());
        Assert.Null(await Storage.GetEntryAsync(At("/new.txt"), CancellationToken.None));
    }

    [Fact]
    public async Task Committed_uploads_replace_resume_and_append()
    {
        await SeedAsync("/file.bin", [1, 2, 3, 4, 5]);
        await UploadAsync("/file.bin", UploadMode.Resume, 2, [9, 9]);
        Assert.Equal([1, 2, 9, 9], await ReadAsync("/file.bin"));
        await UploadAsync("/file.bin", UploadMode.Append, 0, [7]);
        Assert.Equal([1, 2, 9, 9, 7], await ReadAsync("/file.bin"));
        await UploadAsync("/file.bin", UploadMode.Replace, 0, [6]);
        Assert.Equal([6], await ReadAsync("/file.bin"));
        await UploadAsync("/created.bin", UploadMode.Append, 0, [8, 8]);
        Assert.Equal([8, 8], await ReadAsync("/created.bin"));
    }

    protected static VirtualPath At(string path) => VirtualPath.Resolve(VirtualPath.Root, path);

    protected async Task SeedAsync(string path, byte[] content)
    {
        var parent = At(path).Parent;
        if (!parent.IsRoot && await Storage.GetEntryAsync(parent, CancellationToken.None) is null)
        {
            await Storage.CreateDirectoryAsync(parent, CancellationToken.None);
        }

        await UploadAsync(path, UploadMode.Replace, 0, content);
    }

    protected async Task UploadAsync(string path, UploadMode mode, long offset, byte[] content)
    {
        await using var upload = await Storage.BeginUploadAsync(At(path), mode, offset, CancellationToken.None);
        await upload.Content.WriteAsync(content);
        await upload.CommitAsync(CancellationToken.None);
    }

    protected async Task<byte[]> ReadAsync(string path)
    {
        await using var file = await Storage.OpenReadAsync(At(path), 0, CancellationToken.None);
        using var copy = new MemoryStream();
        await file.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task BeginAsync(string path, UploadMode mode) =>
        await (await Storage.BeginUploadAsync(At(path), mode, 0, CancellationToken.None)).DisposeAsync();

    private async Task ListAsync(string path)
    {
        await foreach (var entry in Storage.ListAsync(At(path), CancellationToken.None))
        {
            Assert.NotNull(entry);
        }
    }

    private static async Task ExpectAsync(StorageErrorKind kind, Func<Task> action) =>
        Assert.Equal(kind, (await Assert.ThrowsAsync<StorageException>(action)).Kind);
}
