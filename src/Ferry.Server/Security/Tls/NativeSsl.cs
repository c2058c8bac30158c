using System.Runtime.InteropServices;

namespace Ferry.Server.Security.Tls;

/// <summary>The few libssl (OpenSSL 3) functions the session-reuse check needs; the same library .NET's SslStream runs on.</summary>
internal static unsafe partial class NativeSsl
{
    public const string LibSsl = "libssl.so.3";
    public const string LibCrypto = "libcrypto.so.3";

    public const int ExIndexSslCtx = 1;
    public const ulong OptionNoTicket = 1UL << 14;

    /// <summary>SSL_OP_NO_RENEGOTIATION (OpenSSL 1.1.0h+): a TLS 1.2 ClientHello after the handshake gets a no_renegotiation alert and is dropped.</summary>
    public const ulong OptionNoRenegotiation = 1UL << 30;
    public const int SetMinProtoVersion = 123;
    public const int SetMaxProtoVersion = 124;

    // SSL_TICKET_STATUS and SSL_TICKET_RETURN (ssl.h).
    public const int TicketNone = 2;
    public const int TicketEmpty = 3;
    public const int TicketNoDecrypt = 4;
    public const int TicketSuccess = 5;
    public const int TicketSuccessRenew = 6;
    public const int TicketReturnAbort = 0;
    public const int TicketReturnIgnore = 1;
    public const int TicketReturnIgnoreRenew = 2;
    public const int TicketReturnUse = 3;
    public const int TicketReturnUseRenew = 4;

    [LibraryImport(LibSsl)]
    public static partial int SSL_session_reused(IntPtr ssl);

    [LibraryImport(LibSsl)]
    public static partial IntPtr SSL_get_version(IntPtr ssl);

    /// <summary>Bit 2 (SSL_RECEIVED_SHUTDOWN): the peer's close_notify has arrived.</summary>
    [LibraryImport(LibSsl)]
    public static partial int SSL_get_shutdown(IntPtr ssl);

    public const int ReceivedShutdown = 2;

    [LibraryImport(LibSsl)]
    public static partial int SSL_version(IntPtr ssl);

    [LibraryImport(LibSsl)]
    public static partial IntPtr SSL_get_SSL_CTX(IntPtr ssl);

    /// <summary>No reference is taken: valid only while the SSL* is.</summary>
    [LibraryImport(LibSsl)]
    public static partial IntPtr SSL_get_session(IntPtr ssl);

    [LibraryImport(LibSsl)]
    public static partial IntPtr SSL_SESSION_get_id(IntPtr session, out uint length);

    [LibraryImport(LibSsl)]
    public static partial int SSL_SESSION_get0_ticket_appdata(IntPtr session, out IntPtr data, out nuint length);

    [LibraryImport(LibSsl)]
    public static partial int SSL_SESSION_set1_ticket_appdata(IntPtr session, byte* data, nuint length);

    [LibraryImport(LibSsl)]
    public static partial int SSL_CTX_set_num_tickets(IntPtr context, nuint count);

    [LibraryImport(LibSsl, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_CTX_set_cipher_list(IntPtr context, string ciphers);

    /// <summary>Queues one TLS 1.3 ticket, sent with the connection's next write.</summary>
    [LibraryImport(LibSsl)]
    public static partial int SSL_new_session_ticket(IntPtr ssl);

    [LibraryImport(LibSsl)]
    public static partial int SSL_CTX_set_ex_data(IntPtr context, int index, IntPtr data);

    [LibraryImport(LibSsl)]
    public static partial IntPtr SSL_CTX_get_ex_data(IntPtr context, int index);

    [LibraryImport(LibSsl)]
    public static partial int SSL_CTX_set_session_ticket_cb(
        IntPtr context,
        delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> generate,
        delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte*, nuint, int, IntPtr, int> decrypt,
        IntPtr argument);

    [LibraryImport(LibCrypto)]
    public static partial int CRYPTO_get_ex_new_index(int classIndex, long argl, IntPtr argp, IntPtr newFunction, IntPtr dupFunction, IntPtr freeFunction);

    // Client side, used only by the start-up self-test (a .NET client cannot be told which session to resume).
    [LibraryImport(LibSsl)]
    public static partial IntPtr TLS_client_method();

    [LibraryImport(LibSsl)]
    public static partial IntPtr SSL_CTX_new(IntPtr method);

    [LibraryImport(LibSsl)]
    public static partial void SSL_CTX_free(IntPtr context);

    [LibraryImport(LibSsl)]
    public static partial ulong SSL_CTX_set_options(IntPtr context, ulong options);

    /// <summary>Adds options to one connection (a function since OpenSSL 3.0, a macro before).</summary>
    [LibraryImport(LibSsl)]
    public static partial ulong SSL_set_options(IntPtr ssl, ulong options);

    [LibraryImport(LibSsl)]
    public static partial long SSL_CTX_ctrl(IntPtr context, int command, long argument, IntPtr pointer);

    [LibraryImport(LibSsl)]
    public static partial IntPtr SSL_new(IntPtr context);

    [LibraryImport(LibSsl)]
    public static partial void SSL_free(IntPtr ssl);

    [LibraryImport(LibSsl)]
    public static partial int SSL_set_fd(IntPtr ssl, int fd);

    [LibraryImport(LibSsl)]
    public static partial int SSL_connect(IntPtr ssl);

    [LibraryImport(LibSsl)]
    public static partial int SSL_read(IntPtr ssl, byte* buffer, int count);

    [LibraryImport(LibSsl)]
    public static partial int SSL_shutdown(IntPtr ssl);

    [LibraryImport(LibSsl)]
    public static partial IntPtr SSL_get1_session(IntPtr ssl);

    [LibraryImport(LibSsl)]
    public static partial int SSL_set_session(IntPtr ssl, IntPtr session);

    [LibraryImport(LibSsl)]
    public static partial void SSL_SESSION_free(IntPtr session);
}
