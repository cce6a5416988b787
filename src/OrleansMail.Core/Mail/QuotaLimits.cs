using System.Globalization;

namespace OrleansMail.Mail;

/// <summary>
/// A user's quota over RFC 9208's resources STORAGE (octets here; KiB on the wire), MESSAGE and MAILBOX; null is no
/// limit. Written as Dovecot's quota rules ("*:storage=1G", "*:messages=10000", "*:bytes=…"), so a passwd-file's
/// <c>userdb_quota_rule</c> fields carry over unchanged; "*:mailboxes=N" (Dovecot 2.4's quota_mailbox_count) limits
/// how many mailboxes the user may have.
/// </summary>
public sealed record QuotaLimits(long? StorageBytes = null, long? Messages = null, long? Mailboxes = null)
{
    public static readonly QuotaLimits None = new();

    public bool IsLimited => StorageBytes is not null || Messages is not null || Mailboxes is not null;

    /// <summary>Each limit this one leaves unset taken from <paramref name="fallback"/>.</summary>
    public QuotaLimits Or(QuotaLimits fallback) => new(StorageBytes ?? fallback.StorageBytes, Messages ?? fallback.Messages, Mailboxes ?? fallback.Mailboxes);

    /// <summary>The limits as rules <see cref="TryParse"/> reads back: "*:bytes=…", "*:messages=…", or "none" for no limit.</summary>
    public IReadOnlyList<string> ToRules()
    {
        var rules = new List<string>();
        if (StorageBytes is { } bytes)
        {
            rules.Add("*:bytes=" + bytes.ToString(CultureInfo.InvariantCulture));
        }

        if (Messages is { } messages)
        {
            rules.Add("*:messages=" + messages.ToString(CultureInfo.InvariantCulture));
        }

        if (Mailboxes is { } mailboxes)
        {
            rules.Add("*:mailboxes=" + mailboxes.ToString(CultureInfo.InvariantCulture));
        }

        return rules.Count == 0 ? ["none"] : rules;
    }

    /// <summary>Whether adding <paramref name="messages"/> messages of <paramref name="bytes"/> octets to a usage stays within the limits.</summary>
    public bool Admits(long usedMessages, long usedBytes, long messages, long bytes) =>
        (Messages is not { } m || usedMessages + messages <= m) && (StorageBytes is not { } s || usedBytes + bytes <= s);

    /// <summary>
    /// Dovecot's rules for the whole user ("*:" or no mailbox part): <c>storage=</c> in KiB unless suffixed
    /// (b, k, M, G, T), <c>bytes=</c> in octets unless suffixed, <c>messages=</c> a count; <c>0</c> or
    /// <c>none</c> is no limit, and a later rule wins. Per-mailbox rules ("Trash:storage=+100M") are refused.
    /// </summary>
    public static bool TryParse(IEnumerable<string> rules, out QuotaLimits limits, out string error)
    {
        limits = None;
        error = "";
        foreach (var raw in rules)
        {
            var rule = raw.Trim();
            if (rule.Length == 0)
            {
                continue;
            }

            var colon = rule.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                if (rule[..colon] != "*")
                {
                    error = $"'{rule}': only rules for the whole user ('*:…') are supported";
                    return false;
                }

                rule = rule[(colon + 1)..];
            }

            if (rule.Equals("none", StringComparison.OrdinalIgnoreCase) || rule.Equals("ignore", StringComparison.OrdinalIgnoreCase))
            {
                limits = None;
                continue;
            }

            foreach (var part in rule.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? part : part[..equals];
                var value = equals < 0 ? "" : part[(equals + 1)..];
                switch (name.ToLowerInvariant())
                {
                    case "storage" when TryParseSize(value, 1024, out var kib):
                        limits = limits with { StorageBytes = kib == 0 ? null : kib };
                        break;
                    case "bytes" when TryParseSize(value, 1, out var bytes):
                        limits = limits with { StorageBytes = bytes == 0 ? null : bytes };
                        break;
                    case "messages" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count):
                        limits = limits with { Messages = count == 0 ? null : count };
                        break;
                    case "mailboxes" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var boxes):
                        limits = limits with { Mailboxes = boxes == 0 ? null : boxes };
                        break;
                    default:
                        error = $"'{raw.Trim()}': '{part}' is not storage=SIZE, bytes=SIZE, messages=COUNT or mailboxes=COUNT";
                        return false;
                }
            }
        }

        return true;
    }

    private static bool TryParseSize(string text, long unit, out long bytes)
    {
        bytes = 0;
        if (text.Length == 0)
        {
            return false;
        }

        var multiplier = char.ToUpperInvariant(text[^1]) switch
        {
            'B' => 1L,
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            'T' => 1L << 40,
            _ => 0L,
        };
        var digits = multiplier == 0 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var scale = multiplier == 0 ? unit : multiplier;
        if (number > long.MaxValue / scale)
        {
            return false;
        }

        bytes = number * scale;
        return true;
    }
}
