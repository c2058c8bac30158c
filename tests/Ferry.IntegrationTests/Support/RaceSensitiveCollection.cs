namespace Ferry.IntegrationTests.Support;

/// <summary>
/// Tests that count how often a client's race with the server goes wrong run alone, after the
/// parallel ones, so that the other tests' load does not decide the count (basic-ftp's empty TLS
/// uploads, TlsEmptyUploadTests: a known open race, see the issue 12 note).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RaceSensitiveCollection
{
    public const string Name = "Client races (run alone)";
}
