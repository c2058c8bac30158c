using System.Collections;
using System.ComponentModel;
using System.Reflection;

namespace Ferry.Configuration;

/// <summary>
/// Checks configuration keys and values against the settings types before they are bound, so a
/// mistake is reported in the admin's words (the key as documented, the value, what is allowed,
/// the nearest known key) instead of the binder's ("'ErrorOnUnknownConfiguration' was set ...",
/// "Failed to convert ... to type 'Microsoft.Extensions.Logging.LogLevel'").
/// It follows what ConfigurationBinder binds: public settable properties, matched ignoring case;
/// lists and dictionaries of them; leaf values converted through their TypeConverter.
/// </summary>
internal static class SettingsSchema
{
    /// <summary>What one configuration key is: known (with its documented spelling), or not.</summary>
    public sealed record KeyCheck(bool Known, string Canonical, string? Suggestion, Type? ValueType);

    /// <summary>Resolves "server:port" to "Server:Port", or says where it stops being a setting.</summary>
    public static KeyCheck Check(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var type = typeof(FerrySettings);
        var canonical = new List<string>();
        foreach (var segment in key.Split(':'))
        {
            if (IsLeaf(type))
            {
                // A setting that takes one value has nothing under it.
                return new KeyCheck(false, string.Join(':', canonical.Append(segment)), null, null);
            }

            if (DictionaryValueType(type) is { } valueType)
            {
                canonical.Add(segment);
                type = valueType;
                continue;
            }

            if (ListElementType(type) is { } elementType)
            {
                canonical.Add(segment);
                type = elementType;
                continue;
            }

            var properties = BindableProperties(type);
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var closest = ClosestName.Find(segment, properties.Select(p => p.Name));
                var prefix = string.Concat(canonical.Select(part => part + ":"));
                return new KeyCheck(false, prefix + segment, closest is null ? null : prefix + closest, null);
            }

            canonical.Add(property.Name);
            type = property.PropertyType;
        }

        return new KeyCheck(true, string.Join(':', canonical), null, type);
    }

    /// <summary>Null when <paramref name="value"/> converts to <paramref name="type"/>; otherwise what is allowed.</summary>
    public static string? CheckValue(Type type, string value)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(value);
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (!IsLeaf(target))
        {
            return value.Length == 0 ? null : "is a group of settings, not a single value";
        }

        // The binder leaves an empty value for a non-string setting at its default.
        if (target == typeof(string) || value.Length == 0)
        {
            return null;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException
            || e.InnerException is FormatException or OverflowException)
        {
            return Allowed(target);
        }
    }

    private static string Allowed(Type type)
    {
        if (type.IsEnum)
        {
            return "is not one of " + string.Join(", ", Enum.GetNames(type));
        }

        if (type == typeof(bool))
        {
            return "is not true or false";
        }

        if (type == typeof(TimeSpan))
        {
            return "is not a duration such as 00:00:30 (hh:mm:ss) or 1.00:00:00 (d.hh:mm:ss)";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort))
        {
            // The range of each setting is Validate's, which names it once the value is a number.
            return "is not a whole number";
        }

        return type == typeof(double) || type == typeof(decimal) || type == typeof(float)
            ? "is not a number"
            : $"cannot be read as a {type.Name}";
    }

    /// <summary>A setting that takes one value: what the binder converts from a string.</summary>
    private static bool IsLeaf(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target.IsPrimitive || target.IsEnum || target == typeof(string) || target == typeof(decimal)
            || target == typeof(TimeSpan) || target == typeof(DateTime) || target == typeof(DateTimeOffset) || target == typeof(Guid)
            || target == typeof(Uri);
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) is { } dictionary
            ? dictionary.GetGenericArguments()[1]
            : null;

    private static Type? ListElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type)
            && type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable
            ? enumerable.GetGenericArguments()[0]
            : null;
    }

    private static List<PropertyInfo> BindableProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0
                && (p.SetMethod is { IsPublic: true } || (p.GetMethod is { IsPublic: true } && !IsLeaf(p.PropertyType))))];
}
