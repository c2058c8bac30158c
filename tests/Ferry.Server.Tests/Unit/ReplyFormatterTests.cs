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

    [Fact]
    public void Control_characters_become_question_marks_and_only_crlf_ends_a_line()
    {
        Assert.Equal("331 Password required for x?226 fake.\r\n", ReplyFormatter.Format(FtpReplyCode.UserNameOkay, "Password required for x\r226 fake."));
        Assert.Equal("501 a?b?c?d?e?f\r\n", ReplyFormatter.Format(FtpReplyCode.SyntaxErrorInParameters, "a\0b\u001bc\u007fd\u0085e\tf"));
        Assert.Equal("211-a?b\r\n c?\r\n211 End\r\n", ReplyFormatter.Format(FtpReplyCode.SystemStatus, "a\u001bb\nc\u0007\nEnd"));
    }

    [Fact]
    public void A_crlf_in_the_text_is_one_line_break()
    {
        Assert.Equal("211-a\r\n b\r\n211 End\r\n", ReplyFormatter.Format(FtpReplyCode.SystemStatus, "a\r\nb\r\nEnd"));
    }

    [Fact]
    public void Text_without_control_characters_is_not_copied()
    {
        const string Text = "Okay, \u00e9t\u00e9 \u65e5\u672c.";
        Assert.Same(Text, ReplyFormatter.Printable(Text));
    }
}
