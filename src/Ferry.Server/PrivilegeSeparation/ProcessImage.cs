using System.Runtime.InteropServices;

namespace Ferry.Server.PrivilegeSeparation;

/// <summary>execve(2): replaces the running program with a fresh one in the same process (same pid).</summary>
internal static partial class ProcessImage
{
    /// <summary>Returns only when execve failed, with errno.</summary>
    public static int Replace(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment)
    {
        var argv = ToNativeArray(arguments);
        var envp = ToNativeArray(environment);
        try
        {
            _ = execve(path, argv, envp);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            Free(argv);
            Free(envp);
        }
    }

    /// <summary>A NULL-terminated array of UTF-8 C strings, as execve wants for argv and envp.</summary>
    private static IntPtr[] ToNativeArray(IReadOnlyList<string> strings)
    {
        var array = new IntPtr[strings.Count + 1];
        for (var i = 0; i < strings.Count; i++)
        {
            array[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
        }

        return array;
    }

    private static void Free(IntPtr[] array)
    {
        foreach (var pointer in array)
        {
            Marshal.FreeCoTaskMem(pointer);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execve(string path, IntPtr[] argv, IntPtr[] envp);
}
