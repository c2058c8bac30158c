namespace Ferry.Server.Tests.Support;

/// <summary>Files of the repository itself (docs, packaging), found from the test binaries upwards.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Find();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ferry.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Ferry.slnx not found above " + AppContext.BaseDirectory);
    }
}
