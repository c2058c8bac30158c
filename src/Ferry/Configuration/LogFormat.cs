namespace Ferry.Configuration;

/// <summary>How log records are written (Logging:Format).</summary>
internal enum LogFormat
{
    /// <summary>One readable line per record, as `ferry serve` has always written them.</summary>
    Text,

    /// <summary>One JSON object per line, with named fields (for journald, Loki, Elastic).</summary>
    Json,
}
