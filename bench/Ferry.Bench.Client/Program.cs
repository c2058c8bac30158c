using System.Net;
using System.Text.Json;
using Ferry.Bench.Client;

// ferry-bench-client SCENARIO --port N --user U --password P [options]; one JSON object on stdout.
// Scenarios: transfer (--op retr|stor --clients N --path P --size BYTES), logins (--workers N
// --seconds S), idle (--sessions N), listing (--verb LIST|MLSD --path P --repeat R),
// smallfiles (--folder F --count N --size BYTES). Loopback only, every loop bounded.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: ferry-bench-client transfer|logins|idle|listing|smallfiles --port N --user U --password P [...]");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var index = 1; index + 1 < args.Length; index += 2)
{
    options[args[index].TrimStart('-')] = args[index + 1];
}

string Option(string name, string? fallback = null) =>
    options.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

var host = IPAddress.Parse(Option("host", "127.0.0.1"));
if (!IPAddress.IsLoopback(host))
{
    Console.Error.WriteLine("ferry-bench-client: only loopback addresses are benchmarked");
    return 2;
}

var target = new BenchTarget(new IPEndPoint(host, int.Parse(Option("port"))), Option("user"), Option("password"));
var limit = TimeSpan.FromSeconds(double.Parse(Option("limit-seconds", "600")));
try
{
    var result = args[0] switch
    {
        "transfer" => await TransferScenario.RunAsync(target, Option("op"), int.Parse(Option("clients")), Option("path"), long.Parse(Option("size")), limit),
        "logins" => await LoginStormScenario.RunAsync(target, int.Parse(Option("workers")), TimeSpan.FromSeconds(double.Parse(Option("seconds")))),
        "idle" => await IdleScenario.RunAsync(target, int.Parse(Option("sessions")), limit),
        "listing" => await SingleSessionScenarios.ListingAsync(target, Option("verb"), Option("path"), int.Parse(Option("repeat", "3")), limit),
        "smallfiles" => await SingleSessionScenarios.SmallFilesAsync(target, Option("folder"), int.Parse(Option("count")), int.Parse(Option("size")), limit),
        _ => throw new ArgumentException($"unknown scenario {args[0]}"),
    };
    Console.Out.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}
catch (Exception error) when (error is FtpProtocolException or ArgumentException or FormatException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
{
    Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["error"] = error.Message }));
    return 1;
}
