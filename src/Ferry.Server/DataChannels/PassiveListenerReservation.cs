namespace Ferry.Server.DataChannels;

/// <summary>
/// One place in the <see cref="PassiveListenerBudget"/>, given back exactly once: when a transfer
/// has taken the channel's connection, when the listener gave up waiting, or when the channel is
/// closed (a new PASV/EPSV, REIN, the session's end), whichever comes first.
/// </summary>
internal sealed class PassiveListenerReservation
{
    private Action? _release;

    public PassiveListenerReservation(Action release) => _release = release;

    public void Release() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
