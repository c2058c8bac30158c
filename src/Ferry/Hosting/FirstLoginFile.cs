namespace Ferry.Hosting;

/// <summary>
/// Where the first start's generated password goes when stdout is not a terminal: a file in the
/// data folder that only its owner may read (0600, created so, never widened afterwards), so the
/// password never reaches a log (issue 12).
/// </summary>
internal static class FirstLoginFile
{
    public const string Name = "first-login.txt";

    /// <summary>Writes <paramref name="text"/> to DATA_DIR/first-login.txt (or <paramref name="name"/>), replacing an older one, and returns its full path.</summary>
    public static string Write(string dataDir, string text, string name = Name)
    {
        var path = Path.GetFullPath(Path.Combine(dataDir, name));
        WriteOwnerOnly(path, text);
        return path;
    }

    /// <summary>
    /// Writes a file only this account may read (0600), replacing an older one: the first logins,
    /// and the admin API's CLI token (DATA_DIR/admin-token).
    /// </summary>
    public static void WriteOwnerOnly(string path, string text)
    {
        // A leftover of an earlier first start (the store was deleted since) goes first: opening it
        // for writing would keep its old mode, and it may be a link planted by someone else.
        File.Delete(path);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = DataFolderProtection.FileMode,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
