namespace Ferry.Server.Tests.Support;

/// <summary>Where a running S3 engine answers and with which keys: the lines of its s3.env (scripts/engines/README.md).</summary>
/// <param name="Endpoint">S3_ENDPOINT, e.g. http://127.0.0.1:18480.</param>
/// <param name="AccessKey">S3_ACCESS_KEY (Swift's holds a colon: "ferry:tester").</param>
/// <param name="SecretKey">S3_SECRET_KEY.</param>
/// <param name="Region">S3_REGION, the region requests are signed for.</param>
/// <param name="TlsEndpoint">S3_TLS_ENDPOINT, the same store over TLS (Ceph's gateway: https://localhost:PORT); null when the engine has none (Swift).</param>
/// <param name="CaFile">S3_CA_FILE, the PEM of the throw-away authority that signed <paramref name="TlsEndpoint"/>'s certificate.</param>
/// <param name="ThrottledEndpoint">S3_THROTTLED_ENDPOINT, the same store behind a rate limit that answers 503 SlowDown (Swift only).</param>
/// <param name="ThrottledLog">S3_THROTTLED_LOG, that endpoint's access log, where each refused write is a line with status 498.</param>
public sealed record S3EngineEndpoint(string Endpoint, string AccessKey, string SecretKey, string Region, string? TlsEndpoint = null, string? CaFile = null,
    string? ThrottledEndpoint = null, string? ThrottledLog = null)
{
    /// <summary>Reads an s3.env file; a missing or incomplete one names what it lacks.</summary>
    public static S3EngineEndpoint Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path}: no such file (an engine's s3.env is written by scripts/engines/*.sh start)");
        }

        var values = File.ReadAllLines(path)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.Ordinal);
        string Value(string key) => values.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException($"{path}: {key} is missing");
        return new S3EngineEndpoint(Value("S3_ENDPOINT"), Value("S3_ACCESS_KEY"), Value("S3_SECRET_KEY"), Value("S3_REGION"),
            values.GetValueOrDefault("S3_TLS_ENDPOINT"), values.GetValueOrDefault("S3_CA_FILE"),
            values.GetValueOrDefault("S3_THROTTLED_ENDPOINT"), values.GetValueOrDefault("S3_THROTTLED_LOG"));
    }
}
