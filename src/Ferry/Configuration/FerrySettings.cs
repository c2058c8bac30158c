using Ferry.Server;
using Microsoft.Extensions.Logging;

namespace Ferry.Configuration;

/// <summary>The whole configuration file: the engine's options under "Server", and the host's own keys.</summary>
internal sealed class FerrySettings
{
    /// <summary>Holds the user store and all other state; relative paths are from the working directory.</summary>
    public string DataDir { get; set; } = "./ferry-data";

    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    public FtpServerOptions Server { get; set; } = new();
}
