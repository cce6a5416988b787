using OrleansMail.Imap.Protocol;
using OrleansMail.Imap.Protocol.Requests;

namespace OrleansMail.Imap;

/// <summary>
/// The one ESEARCH response of a SEARCH (RFC 4731) or a SORT (ESORT, RFC 5267 §3.2) with RETURN: MIN and MAX are
/// the first and last of the numbers in the order the command returns them (ascending for SEARCH, sort order for
/// SORT), ALL keeps that order (runs that ascend by one written as ranges), PARTIAL pages by position (RFC 9394),
/// COUNT counts; with SAVE alone there is no response (RFC 5182 §2.4).
/// </summary>
internal static class EsearchResponse
{
    public static void Write(ImapResponseWriter output, string tag, bool uid, IReadOnlySet<string> returns, IReadOnlyList<uint> numbers, PartialRange? partial, ulong modSeq = 0, IReadOnlyList<int>? relevancy = null)
    {
        if (returns.Count == 1 && returns.Contains("SAVE"))
        {
            return;
        }

        output.Raw("* ESEARCH (TAG ").String(tag).Raw(")");
        if (uid)
        {
            output.Raw(" UID");
        }

        if (numbers.Count > 0)
        {
            if (returns.Contains("MIN"))
            {
                output.Raw(" MIN ").Number(numbers[0]);
            }

            if (returns.Contains("MAX"))
            {
                output.Raw(" MAX ").Number(numbers[^1]);
            }

            if (returns.Contains("ALL"))
            {
                output.Raw(" ALL ").Raw(ImapFormat.UidList(numbers));
            }

            if (returns.Contains("RELEVANCY") && relevancy is not null)
            {
                // RFC 6203 §4: one score per message, in the order ALL lists them (ascending).
                output.Raw(" RELEVANCY (").Raw(string.Join(' ', relevancy)).Raw(")");
            }
        }

        if (partial is { } range)
        {
            // The range asked, and the results in it (NIL when none).
            var taken = range.Take(numbers);
            output.Raw(" PARTIAL (").Raw(range.ToString()).Space().Raw(taken.Count == 0 ? "NIL" : ImapFormat.UidList(taken)).Raw(")");
        }

        if (returns.Contains("COUNT"))
        {
            output.Raw(" COUNT ").Number(numbers.Count);
        }

        if (modSeq > 0 && numbers.Count > 0)
        {
            output.Raw(" MODSEQ ").Number((long)modSeq);
        }

        output.CrLf();
    }
}
