namespace Ferry.Server.Protocol;

internal enum ArgumentRule
{
    /// <summary>Anything or nothing; the handler decides.</summary>
    Optional,

    /// <summary>Missing argument: 501 (RFC 959 §4.2).</summary>
    Required,

    /// <summary>The verb takes none; one given is ignored rather than refused, as clients add stray options.</summary>
    None,
}
