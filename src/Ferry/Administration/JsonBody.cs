using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Ferry.Administration;

/// <summary>
/// A request's JSON object, read by the endpoint itself rather than bound by the framework, so
/// that every mistake is a 400 problem naming the field (and so PATCH can tell a field set to
/// null, "back to the default", from one left out).
/// </summary>
internal static class JsonBody
{
    public static async Task<(JsonObject? Body, IResult? Problem)> ReadAsync(HttpRequest request, IReadOnlyCollection<string> known)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return (null, AdminProblems.BadRequest("body", "is not valid JSON: " + e.Message));
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            return (null, AdminProblems.BadRequest("body", e.Message));
        }

        if (node is not JsonObject body)
        {
            return (null, AdminProblems.BadRequest("body", "must be a JSON object."));
        }

        foreach (var (name, _) in body)
        {
            if (!known.Contains(name))
            {
                return (null, AdminProblems.BadRequest(name, $"is not a field here (known: {string.Join(", ", known)})."));
            }
        }

        return (body, null);
    }

    /// <summary>A string field; a problem when present but not a string.</summary>
    public static bool TryString(JsonObject body, string name, out string? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (body[name] is not { } node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            problem = AdminProblems.BadRequest(name, "must be a string.");
            return false;
        }

        value = node.GetValue<string>();
        return true;
    }

    public static bool TryBool(JsonObject body, string name, out bool? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (body[name] is not { } node)
        {
            return true;
        }

        if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            problem = AdminProblems.BadRequest(name, "must be true or false.");
            return false;
        }

        value = node.GetValue<bool>();
        return true;
    }

    /// <summary>A whole number from 0 up (null is allowed: "the default"); a problem otherwise.</summary>
    public static bool TryCount(JsonObject body, string name, out long? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (body[name] is not { } node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out var number) || number < 0)
        {
            problem = AdminProblems.BadRequest(name, $"'{node.ToJsonString()}' must be a whole number from 0, or null for the server's default.");
            return false;
        }

        value = number;
        return true;
    }
}
