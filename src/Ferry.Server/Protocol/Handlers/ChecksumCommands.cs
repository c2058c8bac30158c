using System.Globalization;
using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>
/// Checksums of files: HASH and OPTS HASH (draft-bryan-ftpext-hash-02), and the older XCRC, XMD5,
/// XSHA1, XSHA256, XSHA512 that WinSCP, FluentFTP and others send to Serv-U, ProFTPD
/// (mod_digest) and FileZilla Server. A checksum kept with the file (an upload's SHA-256) is
/// answered at once; otherwise the file is read through the storage backend, up to
/// <see cref="FtpServerOptions.MaxHashFileSize"/>. The reading runs on the command loop, like
/// SIZE in TYPE A: the session waits for it (the limit bounds how long), and the session closing
/// (timeout, server stop) cancels it. ABOR cannot: it is read after the reply, as for any command
/// that is not a transfer.
/// </summary>
internal static class ChecksumCommands
{
    /// <summary>draft-bryan-ftpext-hash §3.1: every algorithm, the selected one starred.</summary>
    public static string FeatureLine(FtpSession session) =>
        "HASH " + string.Join(';', ChecksumAlgorithms.All.Select(a => a.Name() + (a == session.HashAlgorithm ? "*" : string.Empty)));

    /// <summary>draft-bryan-ftpext-hash §3.2: "OPTS HASH" answers the selected algorithm, "OPTS HASH name" selects one (501 when unknown, selection kept).</summary>
    public static ValueTask OptsHashAsync(FtpConnection connection, string value)
    {
        var session = connection.Session;
        if (value.Length == 0)
        {
            return connection.ReplyAsync(FtpReplyCode.CommandOkay, session.HashAlgorithm.Name());
        }

        if (!ChecksumAlgorithms.TryParse(value, out var algorithm))
        {
            return connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Unknown algorithm, current selection not changed.");
        }

        session.HashAlgorithm = algorithm;
        return connection.ReplyAsync(FtpReplyCode.CommandOkay, algorithm.Name());
    }

    /// <summary>
    /// draft-bryan-ftpext-hash §3: "213 &lt;algorithm&gt; &lt;start&gt;-&lt;end&gt; &lt;hex&gt; &lt;path&gt;" over the whole
    /// file as TYPE I would send it. The end is the file size (the range is start inclusive, end
    /// exclusive), as ProFTPD's mod_digest answers; the path is echoed as the client sent it.
    /// Errors per §3.5: 550 missing, 553 a directory, 556 over the size limit, 450 changed while read.
    /// </summary>
    public static async ValueTask HashAsync(FtpConnection connection, string argument)
    {
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is not { } path)
        {
            return;
        }

        var algorithm = connection.Session.HashAlgorithm;
        var outcome = await ChecksumAsync(connection, connection.Session.Command!.Verb, path, algorithm, range: null);
        await connection.ReplyAsync(outcome.Refusal switch
        {
            Refusal.None => (FtpReplyCode.FileStatus, string.Create(CultureInfo.InvariantCulture,
                $"{algorithm.Name()} {outcome.Start}-{outcome.End} {outcome.Checksum} {argument}")),
            Refusal.Missing => (FtpReplyCode.FileUnavailable, "No such file."),
            Refusal.NotAFile => (FtpReplyCode.FileNameNotAllowed, "Not a regular file: the hash of a directory is not defined."),
            Refusal.TooLarge => (FtpReplyCode.FileRefusedByPolicy, TooLargeText(connection)),
            _ => (FtpReplyCode.FileActionNotTaken, "The file changed while it was read; try again."),
        });
    }

    public static ValueTask XcrcAsync(FtpConnection connection, string argument) => LegacyAsync(connection, connection.Session.Command!.Verb, ChecksumAlgorithm.Crc32, argument);

    public static ValueTask Xmd5Async(FtpConnection connection, string argument) => LegacyAsync(connection, connection.Session.Command!.Verb, ChecksumAlgorithm.Md5, argument);

    public static ValueTask Xsha1Async(FtpConnection connection, string argument) => LegacyAsync(connection, connection.Session.Command!.Verb, ChecksumAlgorithm.Sha1, argument);

    public static ValueTask Xsha256Async(FtpConnection connection, string argument) => LegacyAsync(connection, connection.Session.Command!.Verb, ChecksumAlgorithm.Sha256, argument);

    public static ValueTask Xsha512Async(FtpConnection connection, string argument) => LegacyAsync(connection, connection.Session.Command!.Verb, ChecksumAlgorithm.Sha512, argument);

    /// <summary>
    /// "XSHA256 path [start end]" → "250 &lt;HEX&gt;", as ProFTPD's mod_digest and Serv-U answer and
    /// FluentFTP (which takes the reply text as the hash) and WinSCP read: upper-case hex, the
    /// range start inclusive and end exclusive, end at most the file size. A path in double quotes
    /// may hold spaces (WinSCP quotes); an unquoted one ending in two numbers is read as a range.
    /// Every refusal is 550 (501 for a bad range), as mod_digest's.
    /// </summary>
    private static async ValueTask LegacyAsync(FtpConnection connection, string verb, ChecksumAlgorithm algorithm, string argument)
    {
        if (!TryParseLegacyArgument(argument, out var pathText, out var range))
        {
            await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, $"Syntax: {verb} <path> [<start> <end>]");
            return;
        }

        if (await PermissionGate.ResolveAsync(connection, pathText, PermissionScope.Entry) is not { } path)
        {
            return;
        }

        var outcome = await ChecksumAsync(connection, verb, path, algorithm, range);
        await connection.ReplyAsync(outcome.Refusal switch
        {
            Refusal.None => (FtpReplyCode.FileActionOkay, outcome.Checksum!.ToUpperInvariant()),
            Refusal.Missing => (FtpReplyCode.FileUnavailable, "No such file."),
            Refusal.NotAFile => (FtpReplyCode.FileUnavailable, "Not a regular file."),
            Refusal.TooLarge => (FtpReplyCode.FileUnavailable, TooLargeText(connection)),
            Refusal.BadRange => (FtpReplyCode.SyntaxErrorInParameters, "Invalid range: need start <= end <= the file size."),
            _ => (FtpReplyCode.FileActionNotTaken, "The file changed while it was read; try again."),
        });
    }

    internal static bool TryParseLegacyArgument(string argument, out string path, out (long Start, long End)? range)
    {
        range = null;
        string rest;
        if (argument.StartsWith('"'))
        {
            var close = argument.IndexOf('"', 1);
            if (close < 0)
            {
                path = string.Empty;
                return false;
            }

            path = argument[1..close];
            rest = argument[(close + 1)..].Trim();
        }
        else
        {
            var words = argument.Split(' ');
            if (words.Length >= 3 && IsOffset(words[^2]) && IsOffset(words[^1]))
            {
                path = string.Join(' ', words[..^2]);
                rest = words[^2] + " " + words[^1];
            }
            else
            {
                path = argument;
                rest = string.Empty;
            }
        }

        if (rest.Length > 0)
        {
            var numbers = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (numbers.Length != 2 || !IsOffset(numbers[0]) || !IsOffset(numbers[1]))
            {
                return false;
            }

            range = (long.Parse(numbers[0], CultureInfo.InvariantCulture), long.Parse(numbers[1], CultureInfo.InvariantCulture));
        }

        return path.Length > 0;
    }

    private static bool IsOffset(string word) => long.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string TooLargeText(FtpConnection connection) => string.Create(CultureInfo.InvariantCulture,
        $"Refused: checksums are computed for files up to {connection.Options.MaxHashFileSize} bytes (setting MaxHashFileSize).");

    /// <summary>The checksum of <paramref name="path"/> (or of a range of it): the kept one when the backend has it for the whole file as it is, else read.</summary>
    private static async ValueTask<Outcome> ChecksumAsync(FtpConnection connection, string verb, VirtualPath path, ChecksumAlgorithm algorithm, (long Start, long End)? range)
    {
        var fileSystem = connection.Session.FileSystem!;
        var cancellation = connection.Closing;
        var entry = await fileSystem.GetEntryAsync(path, cancellation);
        if (entry is null)
        {
            return new Outcome(Refusal.Missing);
        }

        if (entry.IsDirectory)
        {
            return new Outcome(Refusal.NotAFile);
        }

        var (start, end) = range ?? (0, entry.Size);
        if (start > end || end > entry.Size)
        {
            return new Outcome(Refusal.BadRange);
        }

        if (start > 0 && !fileSystem.Capabilities.HasFlag(FileSystemCapabilities.ReadFromOffset))
        {
            throw new StorageException(StorageErrorKind.NotSupported);
        }

        await using var content = await fileSystem.OpenReadAsync(path, start, cancellation);
        var wholeFile = start == 0 && end == entry.Size;
        if (wholeFile && await fileSystem.GetKeptChecksumAsync(content, algorithm, cancellation) is { } kept)
        {
            FerryLog.ChecksumKept(connection.Logger, connection.Id, verb, path.Value, algorithm.Name());
            return new Outcome(Refusal.None, kept, start, end);
        }

        if (end - start > connection.Options.MaxHashFileSize)
        {
            return new Outcome(Refusal.TooLarge);
        }

        var began = connection.Server.Time.GetTimestamp();
        try
        {
            var checksum = await FileChecksum.ComputeAsync(content, algorithm, end - start, cancellation);
            FerryLog.ChecksumComputed(connection.Logger, connection.Id, verb, path.Value, algorithm.Name(), end - start,
                connection.Server.Time.GetElapsedTime(began).TotalSeconds);
            return new Outcome(Refusal.None, checksum, start, end);
        }
        catch (EndOfStreamException)
        {
            return new Outcome(Refusal.ChangedWhileRead);
        }
    }

    private enum Refusal
    {
        None,
        Missing,
        NotAFile,
        TooLarge,
        BadRange,
        ChangedWhileRead,
    }

    private readonly record struct Outcome(Refusal Refusal, string? Checksum = null, long Start = 0, long End = 0);
}
