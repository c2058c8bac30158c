using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// One of the two real S3 engines the S3 backend is proven on (scripts/engines: Ceph RGW, and
/// Swift with its s3api middleware), shared by every test of the process, which each make a
/// bucket of their own (<see cref="CreateBucketAsync"/>). scripts/test.sh starts both once per
/// run and names their s3.env files in S3_ENGINE_CEPH and S3_ENGINE_SWIFT. Without that
/// variable (a developer's `dotnet test`), the first test that needs the engine starts it with the
/// same script in a temp folder of its own, once per process, and a watchdog stops it when the
/// process has ended. An engine that cannot be reached or started fails every test that needs it, with the
/// reason: never a skip.
/// </summary>
public sealed class S3Engine
{
    /// <summary>Each wait of a script (an install of the engine's packages included) is bounded.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(40);

    private readonly Lazy<Task<S3EngineEndpoint>> _endpoint;
    private readonly Lazy<Task<AmazonS3Client>> _client;
    private readonly string _variable;
    private readonly string _script;

    private S3Engine(string name, string variable, string script, bool isSwift)
    {
        Name = name;
        IsSwift = isSwift;
        _variable = variable;
        _script = script;
        _endpoint = new(ResolveAsync);
        _client = new(async () => CreateClient(await _endpoint.Value));
    }

    /// <summary>Ceph RADOS Gateway 16.2 (scripts/engines/ceph-rgw.sh), the reference distributed store.</summary>
    public static S3Engine Ceph { get; } = new("Ceph RGW", "S3_ENGINE_CEPH", "ceph-rgw.sh", isSwift: false);

    /// <summary>
    /// OpenStack Swift 2.30 with s3api (scripts/engines/swift-s3.sh), the second implementation:
    /// no conditional PUT (If-None-Match), no aws-chunked uploads, DeleteObjects wants Content-MD5.
    /// </summary>
    public static S3Engine Swift { get; } = new("Swift s3api", "S3_ENGINE_SWIFT", "swift-s3.sh", isSwift: true);

    public string Name { get; }

    public bool IsSwift { get; }

    /// <summary>Where the engine answers; starts it on first use when the test run did not.</summary>
    public Task<S3EngineEndpoint> GetEndpointAsync() => _endpoint.Value;

    /// <summary>The process's one SDK client for this engine (thread-safe, pooled), for seeding and inspecting buckets.</summary>
    public Task<AmazonS3Client> GetClientAsync() => _client.Value;

    /// <summary>A new, empty bucket of this engine, deleted with whatever it holds when the returned object is disposed.</summary>
    /// <param name="purpose">A few letters of the test's name, kept in the bucket's name so that a leftover one tells where it came from.</param>
    public async Task<S3TestBucket> CreateBucketAsync(string purpose = "t")
    {
        var client = await GetClientAsync();
        var name = S3TestBucket.NewName(purpose);
        try
        {
            await client.PutBucketAsync(name);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException($"{Name} at {(await GetEndpointAsync()).Endpoint}: could not create bucket {name}: {e.Message}", e);
        }

        return new S3TestBucket(this, client, await GetEndpointAsync(), name);
    }

    /// <summary>An SDK client as scripts/engines/README.md says both engines need it.</summary>
    public static AmazonS3Client CreateClient(S3EngineEndpoint endpoint) =>
        new(new BasicAWSCredentials(endpoint.AccessKey, endpoint.SecretKey), new AmazonS3Config
        {
            ServiceURL = endpoint.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = endpoint.Region,

            // Ceph 16.2 refuses the SDK's default trailing checksums (400 XAmzContentSHA256Mismatch).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(30),
            MaxErrorRetry = 2,
        });

    public override string ToString() => Name;

    private async Task<S3EngineEndpoint> ResolveAsync()
    {
        var file = Environment.GetEnvironmentVariable(_variable);
        if (!string.IsNullOrEmpty(file))
        {
            // scripts/test.sh started it; a wrong path is that script's bug, not a reason to start another.
            return S3EngineEndpoint.Read(file);
        }

        return await StartOwnAsync();
    }

    /// <summary>Starts the engine with its script into a temp folder, for this process only; stopped at ProcessExit.</summary>
    private async Task<S3EngineEndpoint> StartOwnAsync()
    {
        var script = RepositoryPaths.Combine("scripts", "engines", _script);
        var folder = Directory.CreateTempSubdirectory("ferry-test-" + (IsSwift ? "swift" : "ceph") + "-").FullName;
        var directory = Path.Combine(folder, "engine");
        string failure = "";
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // Swift takes PORT..PORT+5 and its default is fixed: a free block each time, retried
            // when another process took one meanwhile. Ceph's script finds its own free ports.
            string[] arguments = IsSwift ? ["start", directory, FreePortBlock(6).ToString(System.Globalization.CultureInfo.InvariantCulture)] : ["start", directory];
            var (status, _, errors) = await RunAsync(script, arguments, StartTimeout);
            if (status == 0)
            {
                StopWhenThisProcessEnds(script, directory, folder);
                return S3EngineEndpoint.Read(Path.Combine(directory, "s3.env"));
            }

            failure = $"{Name} did not start ({script} start {directory} exited {status}):\n{Tail(errors, 15)}";
            if (!(IsSwift && errors.Contains("is in use", StringComparison.Ordinal)))
            {
                break;
            }

            await RunAsync(script, ["stop", directory], StopTimeout);
            Directory.Delete(directory, recursive: true);
        }

        throw new InvalidOperationException(failure);
    }

    /// <summary>
    /// A watchdog in a session of its own stops the engine and removes its folder once this
    /// process is gone, however it ends: the test host is often killed by the runner before a
    /// ProcessExit handler could finish stopping two engines (seen: Swift stopped, Ceph left running).
    /// Bounded: it gives up waiting after 12 hours.
    /// </summary>
    private static void StopWhenThisProcessEnds(string script, string directory, string folder)
    {
        var watch = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "bash", "-c",
            "exec </dev/null >/dev/null 2>&1; for ((i = 0; i < 43200; i++)); do kill -0 \"$1\" || break; sleep 1; done; bash \"$2\" stop \"$3\"; rm -rf \"$4\"",
            "ferry-s3-engine-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), script, directory, folder,
        })
        {
            watch.ArgumentList.Add(argument);
        }

        using var process = Process.Start(watch) ?? throw new InvalidOperationException("could not start the engine's watchdog (setsid bash)");
    }

    /// <summary>Runs a script with bash and returns its status, stdout and stderr; killed (with its children) after <paramref name="timeout"/>.</summary>
    private static async Task<(int Status, string Output, string Errors)> RunAsync(string script, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run bash " + script);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bash {script} {string.Join(' ', arguments)} did not end within {timeout.TotalSeconds:0} s");
        }

        // The engines' daemons do not hold these pipes (their output goes to files), so both end with the script.
        var readBoth = Task.WhenAll(output, errors).WaitAsync(TimeSpan.FromSeconds(10));
        await readBoth;
        return (process.ExitCode, output.Result, errors.Result);
    }

    /// <summary>The first of <paramref name="count"/> consecutive ports free on 127.0.0.1, in 12000-19999 (below Ceph's 20000-31999 and the ephemeral range).</summary>
    private static int FreePortBlock(int count)
    {
        for (var tries = 0; tries < 200; tries++)
        {
            var first = 12000 + (Random.Shared.Next(7990 / count) * count);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"found no {count} consecutive free ports in 12000-19999 on 127.0.0.1");

        static bool IsFree(int port)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines).Select(line => "  " + line));
}
