using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ferry.IntegrationTests.Support;
using Ferry.Server.PrivilegeSeparation;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The privileged helper on its own, driven over a socket pair the way a compromised server
/// could: it binds only what its command line allows, once, and leaves when the pair closes.
/// The messages are written byte by byte here (src/Ferry/Privileges/HelperProtocol.cs).
/// </summary>
public sealed class PrivilegedHelperPolicyTests
{
    private const byte Bind = 1;
    private const byte Auth = 2;
    private const byte Ok = 0;
    private const byte Refused = 1;

    [RootFact("the helper keeps root and refuses to start without it")]
    public async Task The_helper_binds_only_its_listeners_once_and_no_other_port_and_exits_when_the_server_end_closes()
    {
        var port = FerryProcess.FreePort();
        var (ours, theirs) = UnixSeqPacket.CreatePair();
        using var serverEnd = ours;
        Process helper;
        using (theirs)
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var argument in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "ferry.dll"), "privileged-helper",
                "--fd", theirs.Descriptor.ToString(CultureInfo.InvariantCulture), "--listen", $"127.0.0.1:{port}",
            })
            {
                start.ArgumentList.Add(argument);
            }

            theirs.SetInheritable(true);
            helper = Process.Start(start)!;
        }

        using (helper)
        {
            var errors = helper.StandardError.ReadToEndAsync();

            // The allowed listener: a bound TCP socket arrives with the reply.
            var (status, fd) = Request(serverEnd, 1, BindRequest(1, new IPEndPoint(IPAddress.Loopback, port)));
            Assert.Equal(Ok, status);
            Assert.True(fd >= 0);
            using (var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true)))
            {
                Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), socket.LocalEndPoint);
            }

            // The same one again, another privileged port, port 20 without --port20, the wildcard.
            Assert.Equal(Refused, Request(serverEnd, 2, BindRequest(2, new IPEndPoint(IPAddress.Loopback, port))).Status);
            Assert.Equal(Refused, Request(serverEnd, 3, BindRequest(3, new IPEndPoint(IPAddress.Loopback, 22))).Status);
            Assert.Equal(Refused, Request(serverEnd, 4, BindRequest(4, new IPEndPoint(IPAddress.Loopback, 20))).Status);
            Assert.Equal(Refused, Request(serverEnd, 5, BindRequest(5, new IPEndPoint(IPAddress.Any, port))).Status);

            // No system accounts on its command line: every password check is refused.
            Assert.Equal(Refused, Request(serverEnd, 6, AuthRequest(6, "root", "anything")).Status);

            serverEnd.Shutdown();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await helper.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, helper.ExitCode);
            Assert.Contains("refused to bind 127.0.0.1:22", await errors, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_helper_will_not_start_without_its_descriptor()
    {
        var result = await ClientProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "ferry.dll"), "privileged-helper"]);
        Assert.NotEqual(0, result.ExitCode);
    }

    private static (byte Status, int Fd) Request(UnixSeqPacket channel, uint id, byte[] request)
    {
        channel.Send(request);
        var reply = new byte[1024];
        var length = channel.Receive(reply, out var fd);
        Assert.True(length >= 5, "no reply from the helper");
        Assert.Equal(id, BinaryPrimitives.ReadUInt32LittleEndian(reply));
        return (reply[4], fd);
    }

    private static byte[] BindRequest(uint id, IPEndPoint endPoint)
    {
        var message = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(message, id);
        message[4] = Bind;
        message[5] = 4;
        endPoint.Address.TryWriteBytes(message.AsSpan(6, 16), out _);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(22), (ushort)endPoint.Port);
        return message;
    }

    private static byte[] AuthRequest(uint id, string name, string password)
    {
        var message = new List<byte>();
        message.AddRange(BitConverter.GetBytes(id));
        message.Add(Auth);
        foreach (var text in new[] { name, password })
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            message.AddRange(BitConverter.GetBytes((ushort)bytes.Length));
            message.AddRange(bytes);
        }

        return [.. message];
    }
}
