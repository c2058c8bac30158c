using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ferry.Server.Security;

/// <summary>
/// One PAM transaction (pam_start(3), pam_authenticate(3), pam_acct_mgmt(3), pam_end(3)) with a
/// conversation that answers the password prompt: the modern form of the classic
/// getspnam + crypt check, which also honours expiry, locking and whatever the admin configured.
/// Blocking; run it off the I/O threads (<see cref="PamSystemAccountVerifier"/> does).
/// </summary>
internal static unsafe partial class Pam
{
    private const string LibPam = "libpam.so.0";
    private const int Success = 0;
    private const int BufferError = 5;
    private const int ConversationError = 19;
    private const int PromptEchoOff = 1;
    private const int PromptEchoOn = 2;
    private const int ItemTty = 3;
    private const int ItemFailDelay = 10;
    private const int Silent = 0x8000;
    private const int DisallowNullAuthToken = 0x1;

    /// <summary>PAM's result code: 0 when the password is right and the account is usable now.</summary>
    public static int Authenticate(string service, string user, string password)
    {
        // The password lives in unmanaged memory only as long as the transaction, then is wiped.
        var secret = Encoding.UTF8.GetBytes(password + "\0");
        var secretCopy = (byte*)NativeMemory.Alloc((nuint)secret.Length);
        secret.CopyTo(new Span<byte>(secretCopy, secret.Length));
        Array.Clear(secret);
        var conversation = (Conversation*)NativeMemory.Alloc((nuint)sizeof(Conversation));
        conversation->Function = &Converse;
        conversation->AppData = secretCopy;
        IntPtr handle = IntPtr.Zero;
        var status = BufferError;
        try
        {
            status = pam_start(service, user, conversation, &handle);
            if (status != Success)
            {
                return status;
            }

            // "ftp" as the tty, as vsftpd sets it, for modules that look at it (pam_time, pam_access).
            var tty = Marshal.StringToCoTaskMemUTF8("ftp");
            try
            {
                _ = pam_set_item(handle, ItemTty, (void*)tty);
            }
            finally
            {
                Marshal.FreeCoTaskMem(tty);
            }

            // pam_unix asks for a ~2 s pause after a failure; Ferry pauses itself (FailedLoginDelay)
            // without holding a thread, so PAM's own delay is swallowed here.
            delegate* unmanaged[Cdecl]<int, uint, void*, void> noDelay = &IgnoreDelay;
            _ = pam_set_item(handle, ItemFailDelay, noDelay);

            status = pam_authenticate(handle, Silent | DisallowNullAuthToken);
            if (status == Success)
            {
                status = pam_acct_mgmt(handle, Silent | DisallowNullAuthToken);
            }

            return status;
        }
        finally
        {
            if (handle != IntPtr.Zero)
            {
                _ = pam_end(handle, status);
            }

            new Span<byte>(secretCopy, secret.Length).Clear();
            NativeMemory.Free(secretCopy);
            NativeMemory.Free(conversation);
        }
    }

    /// <summary>Answers every hidden (and visible) prompt with the password; PAM frees the answers with free(3), so they come from malloc.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Converse(int count, Message** messages, Response** responses, void* appData)
    {
        if (count <= 0 || count > 32)
        {
            return ConversationError;
        }

        var answers = (Response*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(Response));
        var secret = (byte*)appData;
        var length = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(secret).Length + 1;
        for (var i = 0; i < count; i++)
        {
            if (messages[i]->Style is PromptEchoOff or PromptEchoOn)
            {
                var copy = (byte*)NativeMemory.Alloc((nuint)length);
                new ReadOnlySpan<byte>(secret, length).CopyTo(new Span<byte>(copy, length));
                answers[i].Text = copy;
            }
        }

        *responses = answers;
        return Success;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void IgnoreDelay(int status, uint microseconds, void* appData)
    {
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Conversation
    {
        public delegate* unmanaged[Cdecl]<int, Message**, Response**, void*, int> Function;
        public void* AppData;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Message
    {
        public int Style;
        public byte* Text;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Response
    {
        public byte* Text;
        public int ReturnCode;
    }

    [LibraryImport(LibPam, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int pam_start(string service, string user, Conversation* conversation, IntPtr* handle);

    [LibraryImport(LibPam)]
    private static partial int pam_set_item(IntPtr handle, int type, void* item);

    [LibraryImport(LibPam)]
    private static partial int pam_authenticate(IntPtr handle, int flags);

    [LibraryImport(LibPam)]
    private static partial int pam_acct_mgmt(IntPtr handle, int flags);

    [LibraryImport(LibPam)]
    private static partial int pam_end(IntPtr handle, int status);
}
