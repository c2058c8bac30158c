using Ferry.Server.Protocol;

namespace Ferry.Server.Tests.Unit;

public sealed class ReplyFormatterTests
{
    [Fact]
    public void Single_line_reply()
    {
        Assert.Equal("200 Okay.\r\n", ReplyFormatter.Format(FtpReplyCode.CommandOkay, "Okay."));
    }

    [Fact]
    public void Multi_line_reply_marks_first_and_last_line_and_indents_the_rest()
    {
        var text = ReplyFormatter.Format(FtpReplyCode.SystemStatus, "Features:\n EPSV\n123 looks like a code\nEnd");
        Assert.Equal("211-Features:\r\n EPSV\r\n 123 looks like a code\r\n211 End\r\n", text);
    }
}
