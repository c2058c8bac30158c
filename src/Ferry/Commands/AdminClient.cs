using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Ferry.Configuration;

namespace Ferry.Commands;

/// <summary>
/// How `ferry who`, `kick`, `ban` and `status` reach the running server: its admin API on the Unix
/// socket DATADIR/admin.sock, with the full-admin token the server writes to DATADIR/admin-token
/// at each start. Both are readable only by the server's account and root, so whoever may run
/// these commands is whoever may read the server's data folder; nothing listens on the network for
/// them, and they work when Operations:Listen is off.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    public const string SocketName = "admin.sock";
    public const string TokenName = "admin-token";

    private readonly HttpClient _http;
    private readonly string _socketPath;

    private AdminClient(HttpClient http, string socketPath)
    {
        _http = http;
        _socketPath = socketPath;
    }

    /// <summary>A client for the server whose data folder <paramref name="settings"/> names; a missing or unreadable token is a one-line <see cref="AdminClientException"/>.</summary>
    public static AdminClient Open(FerrySettings settings)
    {
        var socketPath = Path.GetFullPath(Path.Combine(settings.DataDir, SocketName));
        var tokenPath = Path.GetFullPath(Path.Combine(settings.DataDir, TokenName));
        string token;
        try
        {
            token = File.ReadAllText(tokenPath).Trim();
        }
        catch (FileNotFoundException)
        {
            throw new AdminClientException($"no running server found: {tokenPath} is missing (is the server running, and is --data-dir or the config's DataDir the server's?).");
        }
        catch (DirectoryNotFoundException)
        {
            throw new AdminClientException($"no running server found: {Path.GetDirectoryName(tokenPath)} does not exist (is --data-dir or the config's DataDir the server's?).");
        }
        catch (UnauthorizedAccessException)
        {
            throw new AdminClientException($"cannot read {tokenPath}: run this as root or as the account the server runs as.");
        }

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var http = new HttpClient(handler)
        {
            // The host name is not used for routing (the socket is); it only fills the Host header.
            BaseAddress = new Uri("http://localhost/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new AdminClient(http, socketPath);
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>Sends one request; a refusal (4xx/5xx) is an <see cref="AdminClientException"/> carrying the problem's detail.</summary>
    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException socket)
        {
            throw new AdminClientException(socket.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.ConnectionRefused => $"no running server answers on {_socketPath} (is it running with this data folder, and Admin:Enabled?).",
                SocketError.AccessDenied => $"not permitted to use {_socketPath}: run this as root or as the account the server runs as.",
                _ => $"cannot reach the server on {_socketPath}: {socket.Message}",
            });
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new AdminClientException(DescribeRefusal(response.StatusCode, text));
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>An RFC 9457 problem's detail (or title), else the status: what the server said, in one line.</summary>
    private static string DescribeRefusal(HttpStatusCode status, string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()
                : root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (!string.IsNullOrWhiteSpace(detail))
            {
                return $"the server refused ({(int)status}): {detail}";
            }
        }
        catch (JsonException)
        {
        }

        return status == HttpStatusCode.Unauthorized
            ? $"the server refused the token in {TokenName} ({(int)status}); it is renewed at each start: is this the running server's data folder?"
            : $"the server answered {(int)status} {status}.";
    }

    public void Dispose() => _http.Dispose();
}
