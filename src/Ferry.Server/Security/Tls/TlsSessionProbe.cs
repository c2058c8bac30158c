using System.Net.Security;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ferry.Server.Security.Tls;

/// <summary>
/// Tells whether a server <see cref="SslStream"/>'s handshake resumed a session, and which family
/// of sessions it belongs to, which .NET has no public API for (docs/tls-session-reuse.md has
/// the measurements). Behind SslStream on Linux is an OpenSSL SSL*: the non-public field
/// <c>_securityContext</c> holds a SafeSslHandle wrapping it. Ferry installs a ticket callback on
/// the SSL_CTX that .NET shares between connections with the same certificate context; it stores a
/// random lineage id in the app data of every ticket of a new session, and tickets issued on a
/// connection that resumed such a session inherit it. So a data connection that resumed the
/// control connection's session, directly or through a chain of TLS 1.3 tickets, carries the
/// control connection's lineage. Relies on runtime internals: <see cref="TlsSessionSelfTest"/>
/// checks at start that it still works.
/// </summary>
internal static unsafe class TlsSessionProbe
{
    private const int LineageLength = 16;
    private const int Tls13 = 0x0304;
    private const string Tls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL";

    private static readonly FieldInfo? SecurityContextField =
        typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly Lazy<int> ContextMarkerIndex =
        new(() => NativeSsl.CRYPTO_get_ex_new_index(NativeSsl.ExIndexSslCtx, 0, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero));

    private static readonly Lock InstallLock = new();

    private static ReadOnlySpan<byte> Magic => "FRY1"u8;

    /// <summary>Reads the session facts right after AuthenticateAsServerAsync; null when the runtime's shape is not the known one.</summary>
    public static TlsSessionInfo? Inspect(SslStream stream) => WithSsl(stream, ssl =>
    {
        EnsureTicketCallback(ssl);
        var protocol = Marshal.PtrToStringUTF8(NativeSsl.SSL_get_version(ssl)) ?? "?";
        var resumed = NativeSsl.SSL_session_reused(ssl) == 1;
        var session = NativeSsl.SSL_get_session(ssl);
        return new TlsSessionInfo(protocol, resumed, session == IntPtr.Zero ? null : IdentityOf(session, protocol));
    });

    /// <summary>
    /// Whether the peer ended the TLS stream with close_notify (SSL_get_shutdown): SslStream reads
    /// end the same way after a bare TCP FIN, which for an upload may mean a truncated file. Null
    /// when it cannot be told.
    /// </summary>
    public static bool? ReceivedCloseNotify(SslStream stream) =>
        WithSsl<bool?>(stream, ssl => (NativeSsl.SSL_get_shutdown(ssl) & NativeSsl.ReceivedShutdown) != 0);

    /// <summary>
    /// Right after a control connection's handshake: gives its session a lineage now (TLS 1.3
    /// tickets, and with them the callback's lineage, would otherwise only come with the next
    /// write), and queues its TLS 1.3 session tickets, which go out with the next reply, which the
    /// client reads. Data connections then resume from those (TLS 1.2 tickets come inside the
    /// handshake and need no help).
    /// </summary>
    public static void PrepareControl(SslStream control, int tickets) => WithSsl<object?>(control, ssl =>
    {
        EnsureTicketCallback(ssl);
        AssignLineage(ssl);
        if (NativeSsl.SSL_version(ssl) >= Tls13)
        {
            for (var i = 0; i < tickets; i++)
            {
                _ = NativeSsl.SSL_new_session_ticket(ssl);
            }
        }

        return null;
    });

    /// <summary>
    /// Runs <paramref name="use"/> on the stream's SSL*, holding a reference on its handle so
    /// OpenSSL's object cannot be freed meanwhile; default when the runtime's shape is not the known one.
    /// </summary>
    internal static T? WithSsl<T>(SslStream stream, Func<IntPtr, T> use)
    {
        var handle = SslHandleOf(stream);
        if (handle is null)
        {
            return default;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var ssl = handle.DangerousGetHandle();
            return ssl == IntPtr.Zero ? default : use(ssl);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or ObjectDisposedException)
        {
            return default;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>A new lineage for the connection's session, unless it has one or is a shared TLS 1.2 cached session.</summary>
    private static void AssignLineage(IntPtr ssl)
    {
        var session = NativeSsl.SSL_get_session(ssl);
        if (session == IntPtr.Zero
            || (NativeSsl.SSL_SESSION_get0_ticket_appdata(session, out var data, out var length) == 1 && data != IntPtr.Zero && length > 0)
            || (NativeSsl.SSL_session_reused(ssl) == 1 && NativeSsl.SSL_version(ssl) < Tls13))
        {
            // Inherited lineage, or a TLS 1.2 session-ID resumption whose cached session object is shared.
            return;
        }

        Span<byte> appData = stackalloc byte[4 + LineageLength];
        Magic.CopyTo(appData);
        RandomNumberGenerator.Fill(appData[4..]);
        fixed (byte* pointer = appData)
        {
            // On failure the session simply has no lineage; its data connections then count as not matching.
            _ = NativeSsl.SSL_SESSION_set1_ticket_appdata(session, pointer, (nuint)appData.Length);
        }
    }

    private static SafeHandle? SslHandleOf(SslStream stream)
    {
        try
        {
            return SecurityContextField?.GetValue(stream) is SafeHandle { IsInvalid: false, IsClosed: false } handle
                && handle.GetType().Name == "SafeSslHandle" ? handle : null;
        }
        catch (Exception e) when (e is FieldAccessException or TargetException)
        {
            return null;
        }
    }

    private static string? IdentityOf(IntPtr session, string protocol)
    {
        if (NativeSsl.SSL_SESSION_get0_ticket_appdata(session, out var data, out var length) == 1
            && data != IntPtr.Zero && length == (nuint)(Magic.Length + LineageLength))
        {
            var appData = new ReadOnlySpan<byte>((void*)data, (int)length);
            if (appData.StartsWith(Magic))
            {
                return "L:" + Convert.ToHexString(appData[Magic.Length..]);
            }
        }

        // TLS 1.2 session-ID resumption reuses the cached session object, so its ID is its identity.
        var id = NativeSsl.SSL_SESSION_get_id(session, out var idLength);
        return protocol != "TLSv1.3" && id != IntPtr.Zero && idLength > 0
            ? "S:" + Convert.ToHexString(new ReadOnlySpan<byte>((void*)id, (int)idLength))
            : null;
    }

    /// <summary>Installs the ticket callback once per SSL_CTX (an ex_data marker tells whether this one has it).</summary>
    private static void EnsureTicketCallback(IntPtr ssl)
    {
        var context = NativeSsl.SSL_get_SSL_CTX(ssl);
        var marker = ContextMarkerIndex.Value;
        if (context == IntPtr.Zero || marker < 0 || NativeSsl.SSL_CTX_get_ex_data(context, marker) != IntPtr.Zero)
        {
            return;
        }

        lock (InstallLock)
        {
            if (NativeSsl.SSL_CTX_get_ex_data(context, marker) == IntPtr.Zero
                && NativeSsl.SSL_CTX_set_session_ticket_cb(context, &GenerateTicket, &DecryptTicket, IntPtr.Zero) == 1)
            {
                // No automatic TLS 1.3 tickets: OpenSSL sends them after the handshake, and a client
                // that uploads, sends close_notify and closes without reading them (curl, lftp, Go)
                // makes its kernel answer the unread bytes with a reset, which throws away the end
                // of the upload still in flight (curl/curl#6149; the "cut at 114,688 bytes"
                // uploads). Control connections ask for their tickets explicitly (IssueTickets).
                _ = NativeSsl.SSL_CTX_set_num_tickets(context, 0);

                // TLS 1.2: forward-secret AEAD suites only (no CBC, so nothing for LUCKY13). Set
                // here rather than with a .NET CipherSuitesPolicy, which would give every
                // connection its own context and end session resumption. TLS 1.3 suites are all AEAD.
                _ = NativeSsl.SSL_CTX_set_cipher_list(context, Tls12Ciphers);
                _ = NativeSsl.SSL_CTX_set_ex_data(context, marker, 1);
            }
        }
    }

    /// <summary>
    /// OpenSSL calls this right before it encrypts a ticket for the connection's session. A session
    /// that already has a lineage (it was resumed from a Ferry ticket) keeps it; a new one gets one.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GenerateTicket(IntPtr ssl, IntPtr argument)
    {
        try
        {
            AssignLineage(ssl);
        }
        catch
        {
            // No exception may cross into native code; the ticket is issued without a lineage.
        }

        return 1;
    }

    /// <summary>What OpenSSL does without a callback: use a ticket it could decrypt, renew when asked.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int DecryptTicket(IntPtr ssl, IntPtr session, byte* keyName, nuint keyNameLength, int status, IntPtr argument) => status switch
    {
        NativeSsl.TicketSuccess => NativeSsl.TicketReturnUse,
        NativeSsl.TicketSuccessRenew => NativeSsl.TicketReturnUseRenew,
        NativeSsl.TicketEmpty or NativeSsl.TicketNoDecrypt => NativeSsl.TicketReturnIgnoreRenew,
        NativeSsl.TicketNone => NativeSsl.TicketReturnIgnore,
        _ => NativeSsl.TicketReturnAbort,
    };
}
