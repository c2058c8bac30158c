namespace Ferry.Operations;

/// <summary>One readiness check's outcome: its name in the JSON, whether it passed, and why, in an admin's words.</summary>
internal readonly record struct ReadinessItem(string Name, bool Ok, string Detail);
