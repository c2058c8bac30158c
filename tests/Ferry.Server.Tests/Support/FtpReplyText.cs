namespace Ferry.Server.Tests.Support;

/// <summary>One reply as read from the wire: its code and every line.</summary>
public sealed record FtpReplyText(int Code, IReadOnlyList<string> Lines)
{
    /// <summary>The first line's text after the code.</summary>
    public string Text => Lines[0].Length > 4 ? Lines[0][4..] : string.Empty;

    public bool IsMultiline => Lines.Count > 1;

    public override string ToString() => string.Join(" | ", Lines);
}
