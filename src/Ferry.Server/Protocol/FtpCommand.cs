namespace Ferry.Server.Protocol;

/// <summary>One parsed command line: the verb upper-cased, the argument exactly as sent after the first space.</summary>
internal readonly record struct FtpCommand(string Verb, string Argument)
{
    public bool HasArgument => Argument.Length > 0;

    /// <summary>What the debug log shows: a secret argument (the table's column, PASS) is masked.</summary>
    public string ForLog => CommandTable.Find(Verb) is { SecretArgument: true } ? Verb + " ****" : HasArgument ? Verb + " " + Argument : Verb;
}
