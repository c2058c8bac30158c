using Ferry.Server.Connections;

namespace Ferry.Server.Protocol;

/// <summary>A verb's implementation: it has passed every gate of the dispatcher when it runs.</summary>
internal delegate ValueTask CommandHandler(FtpConnection connection, string argument);
