using Orleans.Runtime;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// The front-end session a grain call comes from, carried in Orleans' request context beside
/// <see cref="MailAccessor"/>: a change notice names it, so the session that made a change is not told of it again.
/// </summary>
public static class ChangeOrigin
{
    public const string Key = "om.origin";

    /// <summary>The session the calls made from here on come from; null for none (LMTP, the admin CLI).</summary>
    public static void Set(Guid? session)
    {
        if (session is null)
        {
            RequestContext.Remove(Key);
        }
        else
        {
            RequestContext.Set(Key, session.Value);
        }
    }

    public static Guid Current => RequestContext.Get(Key) is Guid session ? session : Guid.Empty;
}
