namespace OrleansMail.Sieve;

/// <summary>A compiled test (RFC 5228 §5 and extensions): true or false for one run.</summary>
internal abstract class SieveTestNode
{
    public abstract bool Evaluate(SieveRun run);
}

internal sealed class ConstantTest(bool value) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => value;
}

internal sealed class NotTest(SieveTestNode inner) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => !inner.Evaluate(run);
}

/// <summary>allof and anyof, evaluated left to right and stopping at the first answer that settles it.</summary>
internal sealed class CombinedTest(IReadOnlyList<SieveTestNode> tests, bool all) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => all ? tests.All(t => t.Evaluate(run)) : tests.Any(t => t.Evaluate(run));
}

internal sealed class ExistsTest(IReadOnlyList<string> names) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => run.ExpandAll(names).All(n => run.Message.HeaderValues(n).Any());
}

internal sealed class SizeTest(bool over, long limit) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => over ? run.Message.Size > limit : run.Message.Size < limit;
}

internal sealed class HeaderTest(SieveMatch match, IReadOnlyList<string> names, IReadOnlyList<string> keys, (int Index, bool FromLast)? index = null) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => run.Test(match, [.. run.ExpandAll(names).SelectMany(n => Occurrence(run.Message.HeaderValues(n), index))], keys);

    /// <summary>RFC 5260 §6: every occurrence of a field, or with :index only the one it names (none when there are fewer).</summary>
    public static IEnumerable<string> Occurrence(IEnumerable<string> values, (int Index, bool FromLast)? index)
    {
        if (index is not { } at)
        {
            return values;
        }

        var all = values.ToList();
        var position = at.FromLast ? all.Count - at.Index : at.Index - 1;
        return position >= 0 && position < all.Count ? [all[position]] : [];
    }
}

/// <summary>What the body test compares (RFC 5173 §5): the undecoded body, or the decoded text of some or all parts.</summary>
internal enum BodyTransform
{
    Raw,
    Content,
    Text,
}

/// <summary>body (RFC 5173): each selected part's decoded content, or the raw body, against the keys.</summary>
internal sealed class BodyTest(SieveMatch match, BodyTransform transform, IReadOnlyList<string> contentTypes, IReadOnlyList<string> keys) : SieveTestNode
{
    public override bool Evaluate(SieveRun run)
    {
        var values = transform switch
        {
            BodyTransform.Raw => [run.Message.RawBody()],
            BodyTransform.Text => run.Message.BodyParts(["text"]),
            _ => run.Message.BodyParts(contentTypes),
        };
        return run.Test(match, values, keys);
    }
}

/// <summary>Which part of an address a test compares (RFC 5228 §2.7.4, RFC 5233 :user and :detail).</summary>
internal enum AddressPart
{
    All,
    LocalPart,
    Domain,
    User,
    Detail,
}

/// <summary>address (header fields) and envelope (the SMTP envelope's from and to).</summary>
internal sealed class AddressTest(SieveMatch match, AddressPart part, IReadOnlyList<string> names, IReadOnlyList<string> keys, bool envelope, (int Index, bool FromLast)? index = null) : SieveTestNode
{
    public override bool Evaluate(SieveRun run)
    {
        var fields = run.ExpandAll(names);
        var addresses = envelope ? fields.Select(n => n == "from" ? run.Message.EnvelopeFrom : run.Message.EnvelopeTo)
            : index is null ? fields.SelectMany(run.Message.HeaderAddresses)
            : fields.SelectMany(n => HeaderTest.Occurrence(run.Message.HeaderValues(n), index).SelectMany(SieveMessage.Addresses));
        var parts = addresses.Select(a => Part(a, part)).OfType<string>().ToList();
        return run.Test(match, parts, keys);
    }

    private static string? Part(string address, AddressPart part)
    {
        var at = address.LastIndexOf('@');
        var local = at < 0 ? address : address[..at];
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        return part switch
        {
            AddressPart.All => address,
            AddressPart.LocalPart => local,
            AddressPart.Domain => at < 0 ? "" : address[(at + 1)..],
            AddressPart.User => plus < 0 ? local : local[..plus],
            _ => plus < 0 ? null : local[(plus + 1)..], // no separator: :detail matches nothing (RFC 5233 §4)
        };
    }
}

/// <summary>hasflag (RFC 5232 §5): the flags the script has set so far against the keys.</summary>
internal sealed class HasFlagTest(SieveMatch match, IReadOnlyList<string> keys) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => run.Test(match, run.Flags, [.. SieveRun.Split(run.ExpandAll(keys))]);
}

/// <summary>mailboxexists (RFC 5490 §3.1): true when every named mailbox exists.</summary>
internal sealed class MailboxExistsTest(IReadOnlyList<string> names) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => run.ExpandAll(names).All(run.MailboxExists);
}

/// <summary>string (RFC 5229 §5): expanded source strings against the keys; an empty source counts as absent for :count.</summary>
internal sealed class StringTest(SieveMatch match, IReadOnlyList<string> sources, IReadOnlyList<string> keys) : SieveTestNode
{
    public override bool Evaluate(SieveRun run)
    {
        var values = run.ExpandAll(sources);
        return run.Test(match, match.Type == SieveMatchType.Count ? [.. values.Where(v => v.Length > 0)] : values, keys);
    }
}

/// <summary>
/// duplicate (RFC 7352): whether a message with this id was seen under this handle within the last :seconds. The id
/// is the Message-ID, another field's value, or :uniqueid; a message without one is never a duplicate. Each test
/// that reads an id also asks for the id to be recorded once the delivery is done.
/// </summary>
internal sealed class DuplicateTest(string handle, string? header, string? uniqueId, long seconds, bool last) : SieveTestNode
{
    public override bool Evaluate(SieveRun run)
    {
        var id = uniqueId is not null ? run.Expand(uniqueId) : run.Message.HeaderValues(header is null ? "Message-ID" : run.Expand(header)).FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var key = Key(run.Expand(handle), id);
        run.Take(new SieveTrackDuplicate(key, seconds, last));
        return run.Seen.TryGetValue(key, out var at) && run.Now.ToUnixTimeSeconds() - at < seconds;
    }

    public static string Key(string handle, string id) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{handle}\0{id}")))[..32].ToLowerInvariant();
}
