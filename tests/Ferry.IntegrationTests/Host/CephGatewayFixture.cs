using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// A Ceph RADOS Gateway for the host's S3 tests: the one scripts/test.sh started (its s3.env named
/// by FERRY_TEST_S3_CEPH), or else one started here with scripts/engines/ceph-rgw.sh in a temp
/// folder and stopped when the test class ends. Interim: once the shared S3Engine fixture
/// (tests/Ferry.Server.Tests/Support/S3Engine.cs, compiled into this project) is on main, this
/// class gives way to S3Engine.Ceph and its CreateBucketAsync; the tests use only
/// <see cref="Endpoint"/>, <see cref="AccessKey"/>, <see cref="SecretKey"/> and <see cref="Client"/>.
/// A gateway that does not start fails the tests with the script's reason, never a skip.
/// </summary>
public sealed class CephGatewayFixture : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);
    private string? _ownFolder;

    public string Endpoint { get; private set; } = "";

    public string AccessKey { get; private set; } = "";

    public string SecretKey { get; private set; } = "";

    public string Region { get; private set; } = "us-east-1";

    /// <summary>An SDK client as scripts/engines/README.md says RGW needs it, for making buckets and looking behind Ferry's back.</summary>
    public AmazonS3Client Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var file = Environment.GetEnvironmentVariable("FERRY_TEST_S3_CEPH");
        if (string.IsNullOrEmpty(file))
        {
            _ownFolder = Path.Combine(Path.GetTempPath(), "ferry-host-ceph-" + Guid.NewGuid().ToString("N")[..12]);
            var (status, errors) = await RunScriptAsync("start", _ownFolder);
            Assert.True(status == 0, $"scripts/engines/ceph-rgw.sh start {_ownFolder} exited {status}: {errors}");
            file = Path.Combine(_ownFolder, "s3.env");
        }

        var values = File.ReadAllLines(file).Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        (Endpoint, AccessKey, SecretKey, Region) = (values["S3_ENDPOINT"], values["S3_ACCESS_KEY"], values["S3_SECRET_KEY"], values["S3_REGION"]);
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(30),
        });
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_ownFolder is not null)
        {
            await RunScriptAsync("stop", _ownFolder);
            Support.FileTree.DeleteQuietly(_ownFolder);
        }
    }

    private static async Task<(int Status, string Errors)> RunScriptAsync(string verb, string folder)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Ferry.Server.Tests.Support.RepositoryPaths.Combine("scripts", "engines", "ceph-rgw.sh"), verb, folder })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"did not end within {ScriptTimeout.TotalSeconds:0} s");
        }

        await Task.WhenAll(output, errors).WaitAsync(TimeSpan.FromSeconds(10));
        return (process.ExitCode, errors.Result);
    }
}
