using Ferry.Configuration;
using Ferry.Server;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;
using Ferry.Storage.S3;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage;

/// <summary>
/// The server's one <see cref="IFileSystemFactory"/>: each login gets the backend its account names
/// (<see cref="FtpUser.Storage"/>): the local disk under the home folder (null, the default, exactly
/// as a server without S3 profiles does), or the S3 profile "s3:NAME" of Storage:S3. An account
/// naming no configured profile cannot log in (530), and the log says which value it holds.
/// <para>
/// A reload (<see cref="Prepare"/>, then <see cref="Apply"/>) gives new logins the new profiles and
/// the local disk's new upload settings; sessions already open keep the file system they got. A
/// profile whose settings did not change keeps its factory (its S3 client and connection pool).
/// A replaced or removed profile's factory is not disposed while the process runs (a session may
/// still be using its client, and the engine does not say when the last one ends): it is kept
/// until <see cref="Dispose"/>, at the server's stop. That costs one idle S3 client per changed
/// profile per reload, which is small next to tracking every session's file system.
/// </para>
/// </summary>
internal sealed class StorageRouter : IFileSystemFactory, IDisposable
{
    private readonly LocalFileSystemFactory _local;
    private readonly ILogger _logger;
    private readonly Lock _retiredLock = new();
    private readonly List<S3FileSystemFactory> _retired = [];
    private Profiles _profiles;

    public StorageRouter(FerrySettings settings, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger("Ferry");
        _local = new LocalFileSystemFactory(settings.Server, _logger);
        _profiles = Profiles.Empty;
        Apply(Prepare(settings.Storage), settings.Server);
    }

    /// <summary>
    /// What every user can rely on before logging in (FEAT, HELP): what the local disk and every
    /// configured profile can all do. After login the session's own file system decides.
    /// </summary>
    public FileSystemCapabilities Capabilities
    {
        get
        {
            var capabilities = _local.Capabilities;
            foreach (var profile in Volatile.Read(ref _profiles).ByName.Values)
            {
                capabilities &= profile.Factory.Capabilities;
            }

            return capabilities;
        }
    }

    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (UserStorage.IsLocal(user))
        {
            return _local.CreateAsync(user, cancellationToken);
        }

        var profiles = Volatile.Read(ref _profiles);
        if (UserStorage.S3ProfileName(user.Storage) is { } name && profiles.ByName.TryGetValue(name, out var profile))
        {
            return profile.Factory.CreateAsync(user, cancellationToken);
        }

        FerryLog.UnknownUserStorage(_logger, user.Name, user.Storage, UserStorage.Allowed(profiles.Settings));
        throw new StorageException(StorageErrorKind.NotFound);
    }

    /// <summary>
    /// Builds the factories of <paramref name="next"/>'s new or changed profiles, reusing the others;
    /// nothing is in force until <see cref="Apply"/>. Throws when a profile's factory cannot be
    /// built (the reload is then refused, and whatever was built is disposed).
    /// </summary>
    public PreparedStorage Prepare(StorageSettings next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var current = Volatile.Read(ref _profiles);
        var built = new List<S3FileSystemFactory>();
        var byName = new Dictionary<string, Profile>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var (name, options) in next.S3)
            {
                var json = SettingsJson.Serialize(options);
                if (current.ByName.TryGetValue(name, out var kept) && kept.Json == json)
                {
                    byName[name] = kept;
                    continue;
                }

                var factory = new S3FileSystemFactory(options, _logger);
                built.Add(factory);
                byName[name] = new Profile(options, json, factory);
            }
        }
        catch
        {
            foreach (var factory in built)
            {
                factory.Dispose();
            }

            throw;
        }

        return new PreparedStorage(new Profiles(next, byName), built);
    }

    /// <summary>Puts a prepared reload in force: new logins get its profiles and <paramref name="server"/>'s upload settings.</summary>
    public void Apply(PreparedStorage prepared, FtpServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(server);
        _local.Reconfigure(server);
        var previous = Interlocked.Exchange(ref _profiles, prepared.Next);
        lock (_retiredLock)
        {
            _retired.AddRange(previous.ByName.Values.Select(profile => profile.Factory).Where(factory => !prepared.Next.ByName.Values.Any(kept => ReferenceEquals(kept.Factory, factory))));
        }

        foreach (var (name, profile) in prepared.Next.ByName.Where(pair => prepared.Built.Contains(pair.Value.Factory)).OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase))
        {
            FerryLog.S3ProfileConfigured(_logger, name, profile.Options.Bucket, string.IsNullOrEmpty(profile.Options.Endpoint) ? "AWS " + profile.Options.Region : profile.Options.Endpoint,
                profile.Options.Prefix.Length == 0 ? "(the bucket's top)" : profile.Options.Prefix);
        }
    }

    /// <summary>Drops a prepared reload that will not be applied (the engine refused the rest of it).</summary>
    public static void Discard(PreparedStorage prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        foreach (var factory in prepared.Built)
        {
            factory.Dispose();
        }
    }

    /// <summary>At the server's stop: every S3 factory, in force or retired.</summary>
    public void Dispose()
    {
        var profiles = Interlocked.Exchange(ref _profiles, Profiles.Empty);
        foreach (var profile in profiles.ByName.Values)
        {
            profile.Factory.Dispose();
        }

        lock (_retiredLock)
        {
            foreach (var factory in _retired)
            {
                factory.Dispose();
            }

            _retired.Clear();
        }
    }

    /// <summary>The profiles in force: immutable, swapped whole.</summary>
    internal sealed record Profiles(StorageSettings Settings, IReadOnlyDictionary<string, Profile> ByName)
    {
        public static readonly Profiles Empty = new(new StorageSettings(), new Dictionary<string, Profile>());
    }

    internal sealed record Profile(S3StorageOptions Options, string Json, S3FileSystemFactory Factory);

    /// <summary>A reload's storage, built and not yet in force; <see cref="Built"/> are the factories made for it.</summary>
    internal sealed record PreparedStorage(Profiles Next, IReadOnlyList<S3FileSystemFactory> Built);
}
