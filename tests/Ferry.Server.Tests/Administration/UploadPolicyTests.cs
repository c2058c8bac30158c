using System.Net.Sockets;
using Ferry.Server.Security;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Administration;

/// <summary>
/// An upload policy (a pre-upload hook) refuses before anything is created (550 with its reason,
/// no 150), or once every byte is in (the upload is aborted: nothing appears at the path); a
/// quota-like refusal is 552; the reason cannot break the reply; at commit the policy can read
/// the bytes through the upload's own descriptor.
/// </summary>
public sealed class UploadPolicyTests
{
    private sealed class Policy(Func<UploadCheck, UploadVerdict> beforeUpload, Func<UploadCheck, UploadVerdict> beforeCommit) : IUploadPolicy
    {
        public List<UploadCheck> Asked { get; } = [];

        public ValueTask<UploadVerdict> BeforeUploadAsync(UploadCheck upload, CancellationToken cancellationToken)
        {
            Asked.Add(upload);
            return ValueTask.FromResult(beforeUpload(upload));
        }

        public ValueTask<UploadVerdict> BeforeCommitAsync(UploadCheck upload, CancellationToken cancellationToken)
        {
            Asked.Add(upload);
            return ValueTask.FromResult(beforeCommit(upload));
        }
    }

    [Fact]
    public async Task A_refusal_before_the_upload_is_a_550_with_the_reason_on_one_line_and_nothing_is_created()
    {
        var policy = new Policy(
            upload => upload.Path.EndsWith(".exe", StringComparison.Ordinal) ? UploadVerdict.Refuse("no programs\r\n200 forged") : UploadVerdict.Allow,
            _ => UploadVerdict.Allow);
        await using var server = await TestServer.StartAsync([], uploadPolicy: policy);
        await using var ftp = await server.ConnectAsync();
        using (await ftp.OpenPassiveAsync())
        {
            var refused = await ftp.CommandAsync("STOR tool.exe", 550);
            Assert.Equal("Upload refused: no programs  200 forged", refused.Text);
        }

        await ftp.CommandAsync("NOOP", 200);
        Assert.False(File.Exists(server.PathOf("tool.exe")));
        var asked = Assert.Single(policy.Asked);
        Assert.Equal(("STOR", "/tool.exe", TestServer.UserName), (asked.Verb, asked.Path, asked.User));
    }

    [Fact]
    public async Task A_refusal_at_commit_reads_the_uploaded_bytes_and_aborts_the_upload()
    {
        string? seen = null;
        var policy = new Policy(_ => UploadVerdict.Allow, upload =>
        {
            seen = File.ReadAllText(upload.LocalFile!);
            return seen.Contains("EICAR", StringComparison.Ordinal) ? UploadVerdict.Refuse("infected: EICAR test file") : UploadVerdict.Allow;
        });
        await using var server = await TestServer.StartAsync([], uploadPolicy: policy);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        await UploadAsync(ftp, "clean.txt", "hello"u8.ToArray(), 226);
        Assert.Equal("hello", seen);
        Assert.Equal("hello", await File.ReadAllTextAsync(server.PathOf("clean.txt")));

        var refused = await UploadAsync(ftp, "virus.txt", "X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE"u8.ToArray(), 550);
        Assert.Contains("infected: EICAR test file", refused.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(server.PathOf("virus.txt")));
        Assert.DoesNotContain(Directory.EnumerateFiles(server.Root), name => Path.GetFileName(name).StartsWith(".ferry-upload", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_policy_is_not_asked_for_an_upload_refused_anyway()
    {
        var policy = new Policy(_ => UploadVerdict.Refuse("never"), _ => UploadVerdict.Refuse("never"));
        await using var server = await TestServer.StartAsync([], uploadPolicy: policy);
        await using var ftp = await server.ConnectAsync();
        await File.WriteAllTextAsync(server.PathOf("short.txt"), "abc");

        // No data connection prepared: 425, not the policy's 550.
        await ftp.CommandAsync("STOR any.txt", 425);

        // A resume past the end of the file: refused before the policy is asked.
        using (await ftp.OpenPassiveAsync())
        {
            await ftp.CommandAsync("REST 100", 350);
            await ftp.CommandAsync("STOR short.txt", 554);
        }

        Assert.Empty(policy.Asked);
    }

    [Fact]
    public async Task A_quota_like_refusal_is_a_552()
    {
        var policy = new Policy(_ => UploadVerdict.Refuse("the partner's folder is full", quotaLike: true), _ => UploadVerdict.Allow);
        await using var server = await TestServer.StartAsync([], uploadPolicy: policy);
        await using var ftp = await server.ConnectAsync();
        using (await ftp.OpenPassiveAsync())
        {
            await ftp.CommandAsync("APPE full.txt", 552);
        }

        Assert.Equal(-1, Assert.Single(policy.Asked).Offset);
    }

    private static async Task<FtpReplyText> UploadAsync(WireClient ftp, string name, byte[] content, int expected)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR " + name, 150);
        await data.SendAsync(content, SocketFlags.None);
        data.Shutdown(SocketShutdown.Send);
        return await ftp.ExpectAsync(expected);
    }
}
