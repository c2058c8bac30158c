namespace Ferry.Administration;

/// <summary>One page of a list that can be long (sessions, users): ?offset=0&amp;limit=100.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit);
