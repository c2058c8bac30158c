using System.Reflection;
using Ferry.Server;
using Microsoft.Extensions.Configuration;

namespace Ferry.Configuration;

/// <summary>
/// The configuration binder adds a configured list's items to the list a setting already holds,
/// and binds nothing for an empty list ([]). A list setting with a non-empty default
/// (<see cref="FtpServerOptions.BanAllowList"/>: loopback) would then keep its default whatever
/// the file says. Any list the configuration names is therefore emptied before binding, so
/// setting it replaces the default and [] means none.
/// </summary>
internal static class ConfiguredListsReplaceDefaults
{
    public static void Apply(IConfiguration configuration, FtpServerOptions server)
    {
        var keys = configuration.AsEnumerable().Select(pair => pair.Key).ToList();
        foreach (var property in typeof(FtpServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.PropertyType != typeof(List<string>) || property.GetValue(server) is not List<string> list)
            {
                continue;
            }

            var key = "Server:" + property.Name;
            if (keys.Exists(configured => configured.Equals(key, StringComparison.OrdinalIgnoreCase)
                || configured.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)))
            {
                list.Clear();
            }
        }
    }
}
