using Ferry.Server.Storage;

namespace Ferry.Server.Security;

/// <summary>What a login may do in one folder.</summary>
/// <param name="Granted">The permissions there.</param>
/// <param name="Rule">The folder of the directory rule that decided, or null when the account's own permissions did.</param>
internal readonly record struct PermissionDecision(UserPermissions Granted, VirtualPath? Rule);
