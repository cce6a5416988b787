using Orleans.Runtime;

namespace OrleansMail.Grains.Contracts;

/// <summary>
/// The user a front end acts for, carried with every grain call in Orleans' request context. A user's grain gives
/// its owner everything and anyone else only what the mailbox's access control list grants (RFC 4314); a call on
/// no one's behalf (LMTP delivery, the admin CLI) is the owner's.
/// </summary>
public static class MailAccessor
{
    public const string Key = "om.accessor";

    /// <summary>The user the calls made from here on act for; null for no one.</summary>
    public static void ActAs(string? user)
    {
        if (user is null)
        {
            RequestContext.Remove(Key);
        }
        else
        {
            RequestContext.Set(Key, user);
        }
    }

    public static string? Current => RequestContext.Get(Key) as string;
}
