namespace Ferry.IntegrationTests.Support;

/// <summary>
/// Tests that count how often a client's race with the server goes wrong run alone, after the
/// parallel ones, so that the other tests' load does not decide the count (basic-ftp's empty TLS
/// uploads, TlsEmptyUploadTests: a known open race, see the issue 12 note), and tests that time a
/// transfer against a rate limit (RateLimitClientTests: a curl upload measured 3.7 s for 3.0 s
/// while the Prometheus and host tests loaded both cores, and 3.0 s alone).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RaceSensitiveCollection
{
    public const string Name = "Client races (run alone)";
}
