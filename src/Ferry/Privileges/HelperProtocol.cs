using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ferry.Privileges;

/// <summary>
/// The messages between the server and its privileged helper, one SOCK_SEQPACKET message each.
/// Request: id (u32), operation (u8), arguments. Reply: the request's id, a status (u8), results;
/// a successful Bind carries the bound socket as an SCM_RIGHTS descriptor.
/// Bind: family (u8: 4 or 6), 16 address bytes, port (u16). Auth: name and password (u16 length + UTF-8 each).
/// Auth reply: uid (u32), gid (u32), home, name when accepted; the refusal reason (u8) when not.
/// </summary>
internal static class HelperProtocol
{
    public const int MaxMessage = 16 * 1024;

    public enum Operation : byte
    {
        Bind = 1,
        Auth = 2,
    }

    public enum Status : byte
    {
        Ok = 0,
        Refused = 1,
        Failed = 2,
    }

    public static byte[] BindRequest(uint id, IPEndPoint endPoint)
    {
        var message = new byte[4 + 1 + 1 + 16 + 2];
        BinaryPrimitives.WriteUInt32LittleEndian(message, id);
        message[4] = (byte)Operation.Bind;
        message[5] = endPoint.AddressFamily == AddressFamily.InterNetwork ? (byte)4 : (byte)6;
        endPoint.Address.TryWriteBytes(message.AsSpan(6, 16), out _);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(22), (ushort)endPoint.Port);
        return message;
    }

    public static IPEndPoint ReadBindRequest(ReadOnlySpan<byte> arguments)
    {
        if (arguments.Length != 1 + 16 + 2 || arguments[0] is not (4 or 6))
        {
            throw new InvalidDataException("Malformed bind request.");
        }

        var address = new IPAddress(arguments.Slice(1, arguments[0] == 4 ? 4 : 16));
        return new IPEndPoint(address, BinaryPrimitives.ReadUInt16LittleEndian(arguments[17..]));
    }

    public static byte[] AuthRequest(uint id, string name, string password)
    {
        var writer = new Writer(id, (byte)Operation.Auth);
        writer.String(name);
        writer.String(password);
        return writer.ToArray();
    }

    public static (string Name, string Password) ReadAuthRequest(ReadOnlySpan<byte> arguments)
    {
        var name = ReadString(ref arguments);
        var password = ReadString(ref arguments);
        return (name, password);
    }

    public static byte[] Reply(uint id, Status status, int detail = 0)
    {
        var writer = new Writer(id, (byte)status);
        writer.UInt32((uint)detail);
        return writer.ToArray();
    }

    public static byte[] AuthAccepted(uint id, uint uid, uint gid, string home, string name)
    {
        var writer = new Writer(id, (byte)Status.Ok);
        writer.UInt32(uid);
        writer.UInt32(gid);
        writer.String(home);
        writer.String(name);
        return writer.ToArray();
    }

    public static (uint Uid, uint Gid, string Home, string Name) ReadAuthAccepted(ReadOnlySpan<byte> results)
    {
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(results);
        var gid = BinaryPrimitives.ReadUInt32LittleEndian(results[4..]);
        results = results[8..];
        var home = ReadString(ref results);
        var name = ReadString(ref results);
        return (uid, gid, home, name);
    }

    public static string ReadString(ref ReadOnlySpan<byte> span)
    {
        if (span.Length < 2)
        {
            throw new InvalidDataException("Truncated message.");
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(span);
        if (span.Length < 2 + length)
        {
            throw new InvalidDataException("Truncated message.");
        }

        var text = Encoding.UTF8.GetString(span.Slice(2, length));
        span = span[(2 + length)..];
        return text;
    }

    private sealed class Writer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public Writer(uint id, byte kind)
        {
            UInt32(id);
            _buffer.Write([kind]);
        }

        public void UInt32(uint value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
            _buffer.Write(bytes);
        }

        public void String(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length > ushort.MaxValue || _buffer.WrittenCount + 2 + bytes.Length > MaxMessage)
            {
                throw new ArgumentException("Too long for one helper message.", nameof(text));
            }

            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)bytes.Length);
            _buffer.Write(length);
            _buffer.Write(bytes);
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    }
}
