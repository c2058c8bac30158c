using System.Diagnostics;
using Ferry.Server.Connections;
using Ferry.Server.Protocol;
using Ferry.Server.Storage;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// Traces: an <see cref="ActivitySource"/> named "Ferry" with one activity per login (PASS) and one
/// per data transfer. With no listener (the default: the host adds one only with
/// Operations:Traces) StartActivity returns null after one check and nothing else is done.
/// Activities carry the user and the path, which metrics never do: a trace is one event, not a
/// time series per value. Attribute names are OpenTelemetry's where one exists
/// (<c>user.name</c>, <c>client.address</c>, <c>file.path</c>).
/// </summary>
internal static class FerryTracing
{
    public const string SourceName = "Ferry";

    public static readonly ActivitySource Source = new(SourceName, typeof(FerryTracing).Assembly.GetName().Version?.ToString());

    public static Activity? StartLogin(FtpConnection connection, string user)
    {
        var activity = Source.StartActivity("ferry.login", ActivityKind.Server);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("user.name", user);
            activity.SetTag("client.address", connection.RemoteAddress.ToString());
            activity.SetTag("ferry.session.id", connection.Id);
            activity.SetTag("ferry.tls", connection.IsSecure);
        }

        return activity;
    }

    public static void EndLogin(Activity? activity, LoginResult result)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("ferry.login.result", result switch { LoginResult.Ok => "ok", LoginResult.Failed => "failed", _ => "refused" });
        if (result != LoginResult.Ok)
        {
            activity.SetStatus(ActivityStatusCode.Error, result == LoginResult.Failed ? "login incorrect" : "login refused");
        }

        activity.Dispose();
    }

    public static Activity? StartTransfer(FtpConnection connection, string verb, VirtualPath path)
    {
        var activity = Source.StartActivity("ferry.transfer", ActivityKind.Server);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("ferry.transfer.verb", verb);
            activity.SetTag("file.path", path.Value);
            activity.SetTag("user.name", connection.Session.UserNameForLog);
            activity.SetTag("client.address", connection.RemoteAddress.ToString());
            activity.SetTag("ferry.session.id", connection.Id);
        }

        return activity;
    }

    public static void EndTransfer(Activity? activity, in TransferRecord transfer)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("ferry.transfer.direction", transfer.Use switch
            {
                DataChannelUse.Upload => "upload",
                DataChannelUse.Download => "download",
                _ => "listing",
            });
            activity.SetTag("ferry.transfer.bytes", transfer.Bytes);
            activity.SetTag("ferry.transfer.result", TransferResult.Of(transfer));
            activity.SetTag("ferry.transfer.tls", transfer.Tls);
        }

        if (!transfer.Completed)
        {
            activity.SetStatus(ActivityStatusCode.Error, transfer.Result);
        }

        activity.Dispose();
    }
}
