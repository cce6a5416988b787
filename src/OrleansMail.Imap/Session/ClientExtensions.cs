namespace OrleansMail.Imap;

/// <summary>
/// The extensions a client turned on for the rest of its session (RFC 7162 §3.1: CONDSTORE by ENABLE or by its
/// first CONDSTORE-enabling command; QRESYNC only by ENABLE, and it implies CONDSTORE).
/// </summary>
internal sealed class ClientExtensions
{
    public bool CondStore { get; private set; }

    public bool QResync { get; private set; }

    /// <summary>UTF8=ACCEPT (RFC 6855): mailbox names travel as UTF-8, and messages may be appended as UTF8 (literal8).</summary>
    public bool Utf8Accept { get; private set; }

    /// <summary>IMAP4rev2 (RFC 9051): no \Recent, SEARCH answered by ESEARCH, mailbox names in UTF-8.</summary>
    public bool Imap4Rev2 { get; private set; }

    /// <summary>Mailbox names travel as UTF-8, not modified UTF-7 (RFC 6855 §3, RFC 9051 §5.1).</summary>
    public bool Utf8Names => Utf8Accept || Imap4Rev2;

    public bool EnableImap4Rev2()
    {
        var was = Imap4Rev2;
        Imap4Rev2 = true;
        return !was;
    }

    public bool EnableUtf8Accept()
    {
        var was = Utf8Accept;
        Utf8Accept = true;
        return !was;
    }

    /// <summary>Turns CONDSTORE on; true when it was off before (ENABLE lists only what it newly enabled, RFC 5161).</summary>
    public bool EnableCondStore()
    {
        var was = CondStore;
        CondStore = true;
        return !was;
    }

    /// <summary>UNAUTHENTICATE (RFC 8437 §3) starts over as if the connection were new: nothing stays enabled.</summary>
    public void Reset()
    {
        CondStore = false;
        QResync = false;
        Utf8Accept = false;
        Imap4Rev2 = false;
    }

    public bool EnableQResync()
    {
        var was = QResync;
        QResync = true;
        CondStore = true;
        return !was;
    }
}
