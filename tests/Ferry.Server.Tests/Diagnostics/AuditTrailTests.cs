using System.Net;
using System.Text;
using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol;
using Ferry.Server.Security;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Tests.Diagnostics;

/// <summary>
/// Every change a user makes and every operation refused is an audit record at the default level
/// (Information) with its reason, and reaches the event sinks (issue 14).
/// </summary>
public sealed class AuditTrailTests
{
    private const string Bob = "bob";
    private const string BobPassword = "bob's password";

    [Fact]
    public async Task Every_change_is_recorded_as_done_with_its_action_path_and_target()
    {
        var sink = new RecordingEventSink();
        var log = new RecordingLog();
        await using var server = await TestServer.StartAsync([sink], log: log);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        await ftp.CommandAsync("MKD dir", 257);
        await DataHelpers.UploadAsync(ftp, "STOR dir/a.txt", Encoding.UTF8.GetBytes("hello"));
        await ftp.CommandAsync("RNFR dir/a.txt", 350);
        await ftp.CommandAsync("RNTO dir/b.txt", 250);
        await ftp.CommandAsync("MFMT 20200101000000 dir/b.txt", 213);
        await ftp.CommandAsync("SITE CHMOD 600 dir/b.txt", 200);
        await ftp.CommandAsync("DELE dir/b.txt", 250);
        await ftp.CommandAsync("RMD dir", 250);

        Assert.Equal(
        [
            ("MKD", AuditAction.MakeDirectory, "/dir", (string?)null),
            ("STOR", AuditAction.Upload, "/dir/a.txt", null),
            ("RNTO", AuditAction.Rename, "/dir/a.txt", "/dir/b.txt"),
            ("MFMT", AuditAction.SetModifiedTime, "/dir/b.txt", null),
            ("SITE CHMOD", AuditAction.Chmod, "/dir/b.txt", null),
            ("DELE", AuditAction.Delete, "/dir/b.txt", null),
            ("RMD", AuditAction.RemoveDirectory, "/dir", null),
        ], sink.Audits.Select(audit => (audit.Verb, audit.Action, audit.Path, audit.Target)));
        Assert.All(sink.Audits, audit =>
        {
            Assert.False(audit.Refused);
            Assert.Null(audit.Reason);
            Assert.Equal(TestServer.UserName, audit.User);
            Assert.Equal(IPAddress.Loopback, audit.RemoteAddress);
        });

        var records = log.Entries.Where(entry => entry.EventId is 7100 or 7101).ToList();
        Assert.Equal(7, records.Count);
        Assert.All(records, record => Assert.Equal(LogLevel.Information, record.Level));
        Assert.Contains("audit done: rename \"/dir/a.txt\" to \"/dir/b.txt\" (RNTO) by \"alice\" from 127.0.0.1", records.Select(r => r.Message).ToList()[2], StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("DELE", "SITE", "STOR", "RNFR", "RETR")]
    public async Task A_refused_operation_is_recorded_with_its_reason_at_the_default_level()
    {
        var sink = new RecordingEventSink();
        var log = new RecordingLog();
        await using var server = await TestServer.StartAsync([sink], log: log);
        var home = await server.AddUserAsync(Bob, BobPassword, UserPermissions.ReadOnly);
        File.WriteAllText(Path.Combine(home, "keep.txt"), "keep");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.LoginAsync(Bob, BobPassword);

        await ftp.CommandAsync("DELE keep.txt", 550);
        await ftp.CommandAsync("SITE CHMOD 600 keep.txt", 550);
        await ftp.CommandAsync("EPSV", 229);
        await ftp.CommandAsync("STOR new.txt", 550);
        await ftp.CommandAsync("RNFR keep.txt", 550);

        // Refused by the storage rather than a permission: the reason is what the client was told.
        await ftp.CommandAsync("EPSV", 229);
        await ftp.CommandAsync("RETR missing.txt", 550);

        Assert.Equal(
        [
            ("DELE", AuditAction.Delete, "/keep.txt", "Permission denied: this account may not delete."),
            ("SITE CHMOD", AuditAction.Chmod, "/keep.txt", "Permission denied: this account may not overwrite or change existing files."),
            ("STOR", AuditAction.Upload, "/new.txt", "Permission denied: this account may not upload files."),
            ("RNFR", AuditAction.Rename, "/keep.txt", "Permission denied: this account may not rename."),
            ("RETR", AuditAction.Download, "/missing.txt", "No such file."),
        ], sink.Audits.Select(audit => (audit.Verb, audit.Action, audit.Path, audit.Reason!)));
        Assert.All(sink.Audits, audit => Assert.True(audit.Refused));
        Assert.Equal(Bob, sink.Audits[0].User);
        Assert.Equal("keep", File.ReadAllText(Path.Combine(home, "keep.txt")));

        var dele = log.Entries.First(entry => entry.EventId == 7102);
        Assert.Equal(LogLevel.Information, dele.Level);
        Assert.Equal("Session 1: audit refused: delete \"/keep.txt\" (DELE) by \"bob\" from 127.0.0.1: \"Permission denied: this account may not delete.\"", dele.Message);
    }

    [Fact]
    public async Task Storage_errors_of_changes_and_an_upload_over_the_quota_are_recorded_as_refused()
    {
        var sink = new RecordingEventSink();
        await using var server = await TestServer.StartAsync([sink], options => options.DefaultQuotaBytes = 10);
        Directory.CreateDirectory(server.PathOf("full"));
        File.WriteAllText(server.PathOf("full/x"), "x");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        await ftp.CommandAsync("DELE missing.txt", 550);
        await ftp.CommandAsync("RMD full", 550);
        await ftp.CommandAsync("RNFR nothing", 550);
        var upload = await DataHelpers.TryUploadAsync(ftp, "STOR big.bin", new string('x', 1000));
        Assert.Equal(552, upload.Code);

        Assert.Equal(
        [
            ("DELE", AuditAction.Delete, "/missing.txt", "No such file or directory."),
            ("RMD", AuditAction.RemoveDirectory, "/full", "Directory not empty."),
            ("RNFR", AuditAction.Rename, "/nothing", "No such file or directory."),
            ("STOR", AuditAction.Upload, "/big.bin", "Quota exceeded."),
        ], sink.Audits.Select(audit => (audit.Verb, audit.Action, audit.Path, audit.Reason!)));
    }

    /// <summary>The table's Audit column: every verb that needs a permission to change files names the change it makes.</summary>
    [Fact]
    public void Every_verb_that_changes_files_names_its_audit_action_in_the_command_table()
    {
        const UserPermissions Changes = UserPermissions.Write | UserPermissions.Overwrite | UserPermissions.Delete | UserPermissions.Rename | UserPermissions.MakeDirectory;
        var unnamed = CommandTable.All
            .Where(spec => (spec.Permission & Changes) != 0 && spec.Audit == AuditAction.Other)
            .Select(spec => spec.Verb)
            .ToList();
        Assert.True(unnamed.Count == 0, "verbs that change files without an Audit action: " + string.Join(", ", unnamed));
        Assert.Equal(AuditAction.Chmod, CommandTable.Find("SITE")!.Audit);
        Assert.Equal(AuditAction.Download, CommandTable.Find("RETR")!.Audit);
    }
}
