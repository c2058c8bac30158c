using System.CommandLine.Parsing;
using System.Globalization;

namespace Ferry.Commands;

/// <summary>Reads a port flag, so "--port abc" is reported in words, not as System.CommandLine's "Nullable`1[System.Int32]".</summary>
internal static class PortParser
{
    /// <summary>
    /// Only the form is checked here; the range is FtpServerOptions.Validate's (0 lets the OS
    /// choose), so a number out of range is reported with the setting's name, as from the file.
    /// </summary>
    public static int? Parse(ArgumentResult result, string optionName)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var port))
        {
            return port;
        }

        result.AddError($"{optionName}: '{text}' is not a whole number from 0 to 65535");
        return null;
    }
}
