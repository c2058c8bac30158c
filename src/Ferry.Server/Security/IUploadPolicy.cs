namespace Ferry.Server.Security;

/// <summary>
/// A check an upload must pass (a pre-upload hook: a name policy, a virus scan). Asked twice:
/// <see cref="BeforeUploadAsync"/> before anything is created (no 150 yet), and
/// <see cref="BeforeCommitAsync"/> once every byte is in and before the file becomes visible, so
/// a scanner can read it. A refusal reaches the client as 550 or 552 with the policy's reason;
/// at commit time the upload is aborted (nothing appears at the path). The engine waits for the
/// answer: the implementation bounds its own time and decides what a timeout means.
/// </summary>
internal interface IUploadPolicy
{
    ValueTask<UploadVerdict> BeforeUploadAsync(UploadCheck upload, CancellationToken cancellationToken);

    ValueTask<UploadVerdict> BeforeCommitAsync(UploadCheck upload, CancellationToken cancellationToken);
}
