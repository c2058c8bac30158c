using Ferry.Server.Storage;

namespace Ferry.Server.Tests.Support.Memory;

/// <summary>
/// The storage behind <see cref="InMemoryFileSystem"/>: one tree of directories and files that
/// every login of a test server sees (as one bucket of an object store would be), guarded by one
/// lock. Tests seed and inspect it through the string-path helpers, as they use File.* on a
/// local root. Modification times come from the given clock (the server's, when a test fakes it).
/// </summary>
public sealed class InMemoryVolume
{
    private ulong _lastId;

    public InMemoryVolume(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        Root = MemoryNode.NewDirectory(NextId(), NowUtc);
    }

    public TimeProvider Time { get; }

    /// <summary>Held for every read and change of the tree; no storage call waits while holding it.</summary>
    internal Lock Gate { get; } = new();

    internal MemoryNode Root { get; }

    internal DateTime NowUtc => Time.GetUtcNow().UtcDateTime;

    /// <summary>Writes a file (creating its folders), as a test's setup does on local disk.</summary>
    public void WriteFile(string path, byte[] content)
    {
        var target = VirtualPath.Resolve(VirtualPath.Root, path);
        lock (Gate)
        {
            var parent = CreateDirectories(target.Parent);
            parent.Children![target.Name] = MemoryNode.NewFile(NextId(), content.ToArray(), NowUtc);
        }
    }

    /// <summary>Creates a folder and any missing folders above it.</summary>
    public void CreateDirectory(string path)
    {
        lock (Gate)
        {
            CreateDirectories(VirtualPath.Resolve(VirtualPath.Root, path));
        }
    }

    /// <summary>A file's bytes, or null when there is no file at <paramref name="path"/>.</summary>
    public byte[]? ReadFile(string path)
    {
        lock (Gate)
        {
            return Find(VirtualPath.Resolve(VirtualPath.Root, path)) is { IsDirectory: false } file ? file.Content.ToArray() : null;
        }
    }

    public bool FileExists(string path) => ReadFile(path) is not null;

    public bool DirectoryExists(string path)
    {
        lock (Gate)
        {
            return Find(VirtualPath.Resolve(VirtualPath.Root, path)) is { IsDirectory: true };
        }
    }

    /// <summary>The names directly in a folder (empty when it is missing).</summary>
    public IReadOnlyList<string> Names(string path)
    {
        lock (Gate)
        {
            return Find(VirtualPath.Resolve(VirtualPath.Root, path))?.Children?.Keys.ToArray() ?? [];
        }
    }

    /// <summary>A fresh unique id; call under <see cref="Gate"/>.</summary>
    internal ulong NextId() => ++_lastId;

    /// <summary>The node at <paramref name="path"/>, or null (also when a file stands where a folder should); call under <see cref="Gate"/>.</summary>
    internal MemoryNode? Find(VirtualPath path)
    {
        var node = Root;
        foreach (var segment in path.Segments)
        {
            if (node.Children is null || !node.Children.TryGetValue(segment, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    /// <summary>
    /// The folder that holds <paramref name="path"/>'s entry, as the kernel resolves a parent: a
    /// missing one is NotFound, a file on the way is NotADirectory. Call under <see cref="Gate"/>.
    /// </summary>
    internal MemoryNode ParentOf(VirtualPath path)
    {
        var node = Root;
        foreach (var segment in path.Parent.Segments)
        {
            if (node.Children is null)
            {
                throw new StorageException(StorageErrorKind.NotADirectory);
            }

            if (!node.Children.TryGetValue(segment, out var child))
            {
                throw new StorageException(StorageErrorKind.NotFound);
            }

            node = child;
        }

        return node.Children is null ? throw new StorageException(StorageErrorKind.NotADirectory) : node;
    }

    private MemoryNode CreateDirectories(VirtualPath path)
    {
        var node = Root;
        foreach (var segment in path.Segments)
        {
            if (!node.Children!.TryGetValue(segment, out var child))
            {
                child = MemoryNode.NewDirectory(NextId(), NowUtc);
                node.Children[segment] = child;
            }

            node = child.IsDirectory ? child : throw new InvalidOperationException($"{segment} is a file");
        }

        return node;
    }
}
