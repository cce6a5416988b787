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
    public override bool Evaluate(SieveRun run) => names.All(n => run.Message.HeaderValues(n).Any());
}

internal sealed class SizeTest(bool over, long limit) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => over ? run.Message.Size > limit : run.Message.Size < limit;
}

internal sealed class HeaderTest(SieveMatch match, IReadOnlyList<string> names, IReadOnlyList<string> keys) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => match.Any(run.Charge([.. names.SelectMany(run.Message.HeaderValues)], keys), keys);
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
internal sealed class AddressTest(SieveMatch match, AddressPart part, IReadOnlyList<string> names, IReadOnlyList<string> keys, bool envelope) : SieveTestNode
{
    public override bool Evaluate(SieveRun run)
    {
        var addresses = envelope ? names.Select(n => n == "from" ? run.Message.EnvelopeFrom : run.Message.EnvelopeTo) : names.SelectMany(run.Message.HeaderAddresses);
        var parts = addresses.Select(a => Part(a, part)).OfType<string>().ToList();
        return match.Any(run.Charge(parts, keys), keys);
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
    public override bool Evaluate(SieveRun run) => match.Any(run.Flags, keys);
}

/// <summary>mailboxexists (RFC 5490 §3.1): true when every named mailbox exists.</summary>
internal sealed class MailboxExistsTest(IReadOnlyList<string> names) : SieveTestNode
{
    public override bool Evaluate(SieveRun run) => names.All(run.MailboxExists);
}
