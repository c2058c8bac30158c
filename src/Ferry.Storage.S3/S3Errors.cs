using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Ferry.Server.Storage;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage.S3;

/// <summary>
/// The one place an S3 failure becomes a <see cref="StorageException"/>: a missing key is
/// NotFound (550), access denied is PermissionDenied with the store's reason, a store quota is
/// QuotaExceeded (552), and anything transient (5xx after the SDK's own retries with backoff,
/// SlowDown included; the store unreachable; a timeout) is Transient (451), logged with what the
/// store said so an operator sees why clients are being turned away.
/// </summary>
internal sealed class S3Errors(ILogger logger, string bucket)
{
    public const string UnreachableReason = "The storage is unreachable; try again later.";

    /// <summary>True for the SDK's "no such key" (HEAD has no body, so only its status says it).</summary>
    public static bool IsNotFound(Exception exception) =>
        exception is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound };

    /// <summary>Runs <paramref name="call"/>, mapping what it throws.</summary>
    public async Task<T> RunAsync<T>(string operation, string key, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not StorageException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw Map(operation, key, e);
        }
    }

    public StorageException Map(string operation, string key, Exception exception)
    {
        switch (exception)
        {
            case StorageException storage:
                return storage;

            case AmazonS3Exception { StatusCode: HttpStatusCode.NotFound } notFound when notFound.ErrorCode != "NoSuchBucket":
                return new StorageException(StorageErrorKind.NotFound, exception);

            case AmazonS3Exception s3:
                var status = (int)s3.StatusCode;
                S3Log.StoreRefused(logger, operation, bucket, key, status, s3.ErrorCode ?? "", OneLine(s3.Message));
                return s3.ErrorCode switch
                {
                    "QuotaExceeded" => new StorageException(StorageErrorKind.QuotaExceeded, exception),
                    "EntityTooLarge" => new StorageException(StorageErrorKind.InsufficientStorage, "Refused: the file is larger than the storage accepts.", exception),
                    "NoSuchBucket" => new StorageException(StorageErrorKind.Transient, "The storage is not set up (its bucket is missing); tell the server's administrator.", exception),
                    "AccessDenied" or "SignatureDoesNotMatch" or "InvalidAccessKeyId" => new StorageException(StorageErrorKind.PermissionDenied,
                        "Permission denied by the storage (" + (s3.ErrorCode) + ").", exception),
                    // HEAD (SIZE, MDTM, RETR's first look) has no body, so no error code: the status alone says the store refused.
                    _ when status is 403 => new StorageException(StorageErrorKind.PermissionDenied, "Permission denied by the storage (HTTP 403).", exception),
                    _ when status >= 500 => new StorageException(StorageErrorKind.Transient, UnreachableReason, exception),
                    _ => new StorageException(StorageErrorKind.Transient, exception),
                };

            case HttpRequestException or SocketException or IOException or AmazonClientException or OperationCanceledException or TimeoutException:
                S3Log.StoreUnreachable(logger, operation, bucket, key, OneLine(Describe(exception)));
                return new StorageException(StorageErrorKind.Transient, UnreachableReason, exception);

            default:
                throw new InvalidOperationException($"S3 {operation} of {key}: unexpected {exception.GetType().Name}", exception);
        }
    }

    private static string Describe(Exception exception)
    {
        var text = exception.GetType().Name + ": " + exception.Message;
        return exception.InnerException is { } inner ? text + " (" + Describe(inner) + ")" : text;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
