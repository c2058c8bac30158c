using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Ferry.Administration;

/// <summary>The offset and limit of a paged list, read from the query so a bad one is a 400 naming it.</summary>
internal static class Paging
{
    public const int DefaultLimit = 100;

    /// <summary>A page of a thousand keeps a response small; a client wanting more asks again.</summary>
    public const int MaxLimit = 1000;

    public static bool TryRead(HttpRequest request, out int offset, out int limit, out IResult? problem)
    {
        offset = 0;
        limit = DefaultLimit;
        problem = null;
        if (request.Query["offset"] is { Count: > 0 } offsetText && (!int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
        {
            problem = AdminProblems.BadRequest("offset", $"'{offsetText}' must be a whole number from 0.");
            return false;
        }

        if (request.Query["limit"] is { Count: > 0 } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = AdminProblems.BadRequest("limit", $"'{limitText}' must be a whole number from 1 to {MaxLimit}.");
            return false;
        }

        return true;
    }

    public static Page<T> Of<T>(IReadOnlyList<T> all, int offset, int limit) =>
        new([.. all.Skip(offset).Take(limit)], all.Count, offset, limit);
}
