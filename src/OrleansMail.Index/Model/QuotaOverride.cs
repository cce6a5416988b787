using System.Text;
using OrleansMail.Mail;

namespace OrleansMail.Index.Model;

/// <summary>
/// Limits an administrator set with SETQUOTA (RFC 9208 §4.1.4), kept among the user's server attributes
/// ("quota/limits", as Dovecot's quota rules) so every silo enforces them and they outlive crashes and merges as
/// METADATA does. They replace the limits the directory's rules give the user; removing them hands the user back to
/// those.
/// </summary>
public static class QuotaOverride
{
    public const string Entry = "quota/limits";

    public static readonly MetadataKey Key = new(Guid.Empty, Entry);

    /// <summary>The limits set for the user, or null when none are (the directory's hold).</summary>
    public static QuotaLimits? Read(UserIndex index) =>
        index.Metadata.TryGetValue(Key, out var value) && QuotaLimits.TryParse(Encoding.ASCII.GetString(value.Value).Split(' '), out var limits, out _)
            ? limits
            : null;

    public static byte[] Encode(QuotaLimits limits) => Encoding.ASCII.GetBytes(string.Join(' ', limits.ToRules()));
}
