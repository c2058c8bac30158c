using System.Security.Cryptography;
using System.Text;

namespace Ferry.Hooks;

/// <summary>
/// The X-Ferry-Signature header: "sha256=" and the lower-case hex HMAC-SHA256, keyed with the
/// hook's Secret, of the X-Ferry-Timestamp value, a ".", and the body's bytes, as Stripe and
/// Slack sign theirs. The timestamp inside the signed text lets a receiver refuse a replayed
/// request (one older than a few minutes) that it could not tell from a retry by the body alone.
/// </summary>
internal static class WebhookSignature
{
    public const string Header = "X-Ferry-Signature";
    public const string TimestampHeader = "X-Ferry-Timestamp";

    public static string Compute(byte[] secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, signed));
    }
}
