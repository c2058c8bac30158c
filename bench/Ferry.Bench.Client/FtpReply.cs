namespace Ferry.Bench.Client;

/// <summary>One FTP reply: the three-digit code and the text of its last line (RFC 959 §4.2).</summary>
internal readonly record struct FtpReply(int Code, string Text)
{
    public bool IsPositivePreliminary => Code is >= 100 and < 200;

    public bool IsPositiveCompletion => Code is >= 200 and < 300;
}
