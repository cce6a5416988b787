using OrleansMail.Grains.Contracts;
using OrleansMail.Mail;
using OrleansMail.MailStorage.Search;
using OrleansMail.MailStorage.Summaries;

namespace OrleansMail.Imap;

/// <summary>What a search key needs besides the index record: the summary, the header block or the whole body.</summary>
[Flags]
internal enum SearchNeeds
{
    None = 0,
    Summary = 1,
    Header = 2,
    Body = 4,
}

/// <summary>One message as SEARCH sees it: its record, sequence number and whatever the keys asked to be loaded.</summary>
internal sealed record SearchSubject(MessageView Message, int Sequence, uint LargestUid, int Count, MessageSummary? Summary, byte[]? Header, byte[]? Body, DateTimeOffset Now, IReadOnlySet<uint> SavedResult, bool Recent);

/// <summary>What is known of a message before it is read.</summary>
internal enum Verdict
{
    No,
    Yes,
    Unknown,
}

/// <summary>Runs one SEARCH program against messages: what each key needs loaded, and whether a message matches.</summary>
internal sealed class SearchMatcher(SearchKey program)
{
    // A sequence set resolved against the mailbox once per size, not once per message.
    private readonly Dictionary<SearchKey.Numbers, (uint Largest, UidSet Set)> _resolved = new(ReferenceEqualityComparer.Instance);

    public SearchNeeds Needs { get; } = NeedsOf(program);

    /// <summary>Whether a MODSEQ key appears anywhere (it enables CONDSTORE and adds MODSEQ to the answer).</summary>
    public bool UsesModSeq { get; } = UsesModSeqIn(program);

    public bool Matches(SearchSubject s) => Matches(program, s);

    /// <summary>The FUZZY keys over a text key (RFC 6203), each with what it looks for: the index finds what resembles it.</summary>
    public IReadOnlyList<(SearchKey.Fuzzy Key, TextCriterion Criterion)> FuzzyKeys => [.. TextKeysOf(program, fuzzy: true).Select(k => ((SearchKey.Fuzzy)k.Item1, k.Item2))];

    /// <summary>What the index found for each FUZZY key: UID to relevancy (1 to 100). A message it did not find may still match the key exactly.</summary>
    public Dictionary<SearchKey.Fuzzy, IReadOnlyDictionary<uint, int>> FuzzyScores { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>A matched message's relevancy (RFC 6203): its best fuzzy score; 1 when only an exact match found it.</summary>
    public int RelevancyOf(uint uid) => FuzzyScores.Values.Select(s => s.GetValueOrDefault(uid)).DefaultIfEmpty(0).Max() is var best && best > 0 ? best : 1;

    /// <summary>The text keys of the program the full-text index can answer, each once, in program order.</summary>
    public IReadOnlyList<(SearchKey Key, TextCriterion Criterion)> TextKeys { get; } = TextKeysOf(program);

    /// <summary>
    /// What is known of a message before anything is read: the index's answers for the text keys, the record for the
    /// rest. <see cref="Verdict.Unknown"/> means the message must be read (a candidate, or a key needing its summary).
    /// </summary>
    public Verdict Prejudge(SearchSubject s, IReadOnlyDictionary<SearchKey, TextAnswer> answers) => Prejudge(program, s, answers);

    private Verdict Prejudge(SearchKey key, SearchSubject s, IReadOnlyDictionary<SearchKey, TextAnswer> answers)
    {
        switch (key)
        {
            case SearchKey.And and:
                var all = Verdict.Yes;
                foreach (var k in and.Keys)
                {
                    var v = Prejudge(k, s, answers);
                    if (v == Verdict.No)
                    {
                        return Verdict.No;
                    }

                    if (v == Verdict.Unknown)
                    {
                        all = Verdict.Unknown;
                    }
                }

                return all;
            case SearchKey.Or or:
                var left = Prejudge(or.Left, s, answers);
                if (left == Verdict.Yes)
                {
                    return Verdict.Yes;
                }

                var right = Prejudge(or.Right, s, answers);
                return right == Verdict.Yes ? Verdict.Yes : left == Verdict.No && right == Verdict.No ? Verdict.No : Verdict.Unknown;
            case SearchKey.Not not:
                return Prejudge(not.Key, s, answers) switch { Verdict.Yes => Verdict.No, Verdict.No => Verdict.Yes, _ => Verdict.Unknown };
            case SearchKey.Fuzzy fuzzy:
                return FuzzyScores.TryGetValue(fuzzy, out var scores) && scores.ContainsKey(s.Message.Uid) ? Verdict.Yes : Prejudge(fuzzy.Key, s, answers);
            case SearchKey.Text or SearchKey.Header or SearchKey.Subject or SearchKey.Address:
                if (!answers.TryGetValue(key, out var answer))
                {
                    return Verdict.Unknown;
                }

                var uid = s.Message.Uid;
                return answer.Matches.Contains(uid) ? Verdict.Yes : answer.Candidates.Contains(uid) ? Verdict.Unknown : Verdict.No;
            case SearchKey.Sent:
                return Verdict.Unknown;
            default:
                return Matches(key, s) ? Verdict.Yes : Verdict.No;
        }
    }

    private static List<(SearchKey, TextCriterion)> TextKeysOf(SearchKey program, bool fuzzy = false)
    {
        var keys = new List<(SearchKey, TextCriterion)>();
        Walk(program);
        return keys;

        void Add(SearchKey key, TextCriterion criterion)
        {
            if (!fuzzy)
            {
                keys.Add((key, criterion));
            }
        }

        void Walk(SearchKey key)
        {
            switch (key)
            {
                case SearchKey.And and:
                    foreach (var k in and.Keys)
                    {
                        Walk(k);
                    }

                    break;
                case SearchKey.Or or:
                    Walk(or.Left);
                    Walk(or.Right);
                    break;
                case SearchKey.Not not:
                    Walk(not.Key);
                    break;
                case SearchKey.Fuzzy f:
                    if (fuzzy && TextKeysOf(f.Key) is [var (_, inner)])
                    {
                        keys.Add((f, inner));
                    }

                    Walk(f.Key);
                    break;
                case SearchKey.Text text:
                    Add(key, new TextCriterion(text.IncludeHeaders ? TextScope.Text : TextScope.Body, null, text.Needle));
                    break;
                case SearchKey.Header header:
                    Add(key, new TextCriterion(TextScope.Header, header.Field, header.Needle));
                    break;
                case SearchKey.Subject subject:
                    Add(key, new TextCriterion(TextScope.Subject, null, subject.Needle));
                    break;
                case SearchKey.Address address:
                    Add(key, new TextCriterion(address.Field switch { AddressField.From => TextScope.From, AddressField.To => TextScope.To, AddressField.Cc => TextScope.Cc, _ => TextScope.Bcc }, null, address.Needle));
                    break;
            }
        }
    }

    private bool Matches(SearchKey key, SearchSubject s) => key switch
    {
        SearchKey.All => true,
        SearchKey.And and => and.Keys.All(k => Matches(k, s)),
        SearchKey.Or or => Matches(or.Left, s) || Matches(or.Right, s),
        SearchKey.Not not => !Matches(not.Key, s),
        SearchKey.Fuzzy fuzzy => (FuzzyScores.TryGetValue(fuzzy, out var scores) && scores.ContainsKey(s.Message.Uid)) || Matches(fuzzy.Key, s),
        SearchKey.Flag flag => s.Message.Flags.HasFlag(flag.Which) == flag.IsSet,
        SearchKey.Recent recent => s.Recent == recent.IsRecent,
        SearchKey.Keyword keyword => s.Message.Keywords.Contains(keyword.Name, StringComparer.OrdinalIgnoreCase) == keyword.IsSet,
        SearchKey.Address address => s.Summary is { } summary && AddressesOf(summary.Envelope, address.Field).Any(a =>
            MessageText.Contains(MessageText.Decode(a.Name), address.Needle) || MessageText.Contains(MessageText.AddressText(a), address.Needle)),
        SearchKey.Subject subject => s.Summary is { } summary && (subject.Needle.Length == 0 || MessageText.Contains(MessageText.Decode(summary.Envelope.Subject), subject.Needle)),
        SearchKey.Header header => s.Header is { } block && MessageText.HeaderContains(block, header.Field, header.Needle),
        SearchKey.Text text => s.Body is { } body && MessageText.BodyContains(body, text.Needle, text.IncludeHeaders),

        // RFC 3501: dates compare disregarding time and timezone; we take the internal date's UTC day.
        SearchKey.Internal date => Compare(Day(s.Message.InternalDate), date.Date, date.Direction),
        SearchKey.Sent sent => s.Summary is { } summary && MessageText.TryParseDate(summary.Envelope.Date, out var value) && Compare(DateOnly.FromDateTime(value.DateTime), sent.Date, sent.Direction),
        SearchKey.Size size => size.Larger ? s.Message.Size > size.Octets : s.Message.Size < size.Octets,
        SearchKey.ModSeq modSeq => s.Message.ModSeq >= modSeq.Value,
        SearchKey.Numbers numbers => InNumbers(numbers, s),
        SearchKey.Age age => Older(s, age),
        SearchKey.Saved saved => Compare(Day(s.Message.SaveDate), saved.Date, saved.Direction),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key.GetType().Name, "unknown search key"),
    };

    /// <summary>A binary search in the normalized set: a set of many ranges costs log(ranges) per message, not ranges.</summary>
    private bool InNumbers(SearchKey.Numbers numbers, SearchSubject s)
    {
        if (numbers.Values.IsSavedResult)
        {
            return s.SavedResult.Contains(s.Message.Uid);
        }

        var largest = numbers.ByUid ? s.LargestUid : (uint)s.Count;
        if (!_resolved.TryGetValue(numbers, out var resolved) || resolved.Largest != largest)
        {
            resolved = (largest, UidSet.FromRanges(numbers.Values.Resolve(largest)));
            _resolved[numbers] = resolved;
        }

        return resolved.Set.Contains(numbers.ByUid ? s.Message.Uid : (uint)s.Sequence);
    }

    private static bool Older(SearchSubject s, SearchKey.Age age)
    {
        var elapsed = s.Now - DateTimeOffset.FromUnixTimeMilliseconds(s.Message.InternalDate);
        return age.Older ? elapsed.TotalSeconds >= age.Seconds : elapsed.TotalSeconds < age.Seconds;
    }

    private static SearchNeeds NeedsOf(SearchKey key) => key switch
    {
        SearchKey.And and => and.Keys.Aggregate(SearchNeeds.None, (n, k) => n | NeedsOf(k)),
        SearchKey.Or or => NeedsOf(or.Left) | NeedsOf(or.Right),
        SearchKey.Not not => NeedsOf(not.Key),
        SearchKey.Fuzzy fuzzy => NeedsOf(fuzzy.Key),
        SearchKey.Address or SearchKey.Subject or SearchKey.Sent => SearchNeeds.Summary,
        SearchKey.Header => SearchNeeds.Header,
        SearchKey.Text => SearchNeeds.Body,
        _ => SearchNeeds.None,
    };

    private static bool UsesModSeqIn(SearchKey key) => key switch
    {
        SearchKey.And and => and.Keys.Any(UsesModSeqIn),
        SearchKey.Or or => UsesModSeqIn(or.Left) || UsesModSeqIn(or.Right),
        SearchKey.Not not => UsesModSeqIn(not.Key),
        SearchKey.Fuzzy fuzzy => UsesModSeqIn(fuzzy.Key),
        SearchKey.ModSeq => true,
        _ => false,
    };

    private static EnvelopeAddress[] AddressesOf(MessageEnvelope envelope, AddressField field) => field switch
    {
        AddressField.From => envelope.From,
        AddressField.To => envelope.To,
        AddressField.Cc => envelope.Cc,
        _ => envelope.Bcc,
    };

    private static DateOnly Day(long unixMilliseconds) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime);

    private static bool Compare(DateOnly value, DateOnly date, int direction) => direction switch
    {
        < 0 => value < date,
        0 => value == date,
        _ => value >= date,
    };
}
