using OrleansMail.Imap.Protocol.Sorting;
using Xunit;

namespace OrleansMail.Imap.Tests;

/// <summary>RFC 5256's base subject and threading, pure: the RFC's rules, then properties on generated threads.</summary>
public sealed class ThreadingTests
{
    [Theory]
    [InlineData("Re: lunch", "lunch", true)]
    [InlineData("RE:  Re: re: lunch", "lunch", true)]
    [InlineData("Fwd: [list] Re: lunch (fwd)", "lunch", true)]
    [InlineData("[list] lunch", "lunch", false)]
    [InlineData("[list]", "[list]", false)] // a blob alone is the subject: removing it would leave nothing
    [InlineData("[fwd: Re: lunch]", "lunch", true)]
    [InlineData("Re [ticket 12]: lunch\t\r\n  at noon", "lunch at noon", true)]
    [InlineData("Fw: Fwd:lunch", "lunch", true)]
    [InlineData("Reply about lunch", "Reply about lunch", false)]
    [InlineData("", "", false)]
    public void Base_subject_drops_reply_and_forward_decorations(string subject, string expected, bool reply)
    {
        Assert.Equal(expected, BaseSubject.Extract(subject, out var isReply));
        Assert.Equal(reply, isReply);
    }

    [Theory]
    [InlineData("\u01C6ungla", "\u01C4UNGLA")] // the digraph's titlecase is its own letter, not its upper case
    [InlineData("\uFB01le", "FILE")] // a ligature decomposes to lower case, titlecased again
    [InlineData("e\u0301t\u00E9", "\u00C9T\u00C9")] // composed and decomposed forms are one
    [InlineData("Stra\u00DFe", "STRASSE")] // simple mappings only: \u00DF stays itself, so these differ
    public void Unicode_casemap_is_titlecase_then_compatibility_decomposition(string text, string other)
    {
        var (mapped, otherMapped) = (BaseSubject.CaseMapped(text), BaseSubject.CaseMapped(other));
        Assert.Equal(other != "STRASSE", mapped == otherMapped);
        Assert.Equal(mapped, BaseSubject.CaseMapped(mapped));
    }

    [Fact]
    public void A_subject_of_a_hundred_thousand_reply_markers_costs_no_more_than_its_first_kibibyte()
    {
        var hostile = string.Concat(Enumerable.Repeat("Re: ", 100_000)) + "lunch";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("", BaseSubject.Extract(hostile, out var reply));
            Assert.True(reply);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Threads_print_chains_as_numbers_and_branches_as_nested_lists()
    {
        // RFC 5256 §4's example: (2)(3 6 (4 23)(44 7 96)).
        var m = Enumerable.Range(0, 100).Select(i => new ThreadNode(Message((uint)i))).ToArray();
        Link(m[3], m[6]);
        Link(m[6], m[4]);
        Link(m[4], m[23]);
        Link(m[6], m[44]);
        Link(m[44], m[7]);
        Link(m[7], m[96]);
        Assert.Equal("(2)(3 6 (4 23)(44 7 96))", ThreadNode.Format([m[2], m[3]]));

        var placeholder = new ThreadNode(null);
        Link(placeholder, m[5]);
        Link(placeholder, m[8]);
        Assert.Equal("((5)(8))", ThreadNode.Format([placeholder]));

        static void Link(ThreadNode parent, ThreadNode child)
        {
            child.Parent = parent;
            parent.Children.Add(child);
        }
    }

    [Fact]
    public void Orderedsubject_makes_the_first_message_of_a_subject_the_parent_of_the_rest()
    {
        var day = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        ThreadMessage[] messages =
        [
            new(1, "a", [], "lunch", false, day.AddHours(1)),
            new(2, "b", [], "budget", false, day),
            new(3, "c", [], "lunch", true, day.AddHours(3)),
            new(4, "d", [], "LUNCH", true, day.AddHours(2)),
        ];
        Assert.Equal("(2)(1 (4)(3))", ThreadNode.Format(Threader.Thread(ThreadAlgorithm.OrderedSubject, messages)));
    }

    [Fact]
    public void References_links_by_ids_keeps_a_missing_root_as_placeholder_and_gathers_same_subject_roots()
    {
        var day = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        ThreadMessage[] messages =
        [
            // A thread whose root is gone: two replies to it hang under a placeholder.
            new(1, "r1", ["gone"], "plans", true, day),
            new(2, "r2", ["gone"], "plans", true, day.AddHours(1)),
            new(3, "r3", ["gone", "r2"], "plans", true, day.AddHours(2)),

            // Two separate messages with the same subject and no references: gathered under a placeholder.
            new(4, "x1", [], "hello", false, day.AddHours(3)),
            new(5, "x2", [], "hello", false, day.AddHours(4)),

            // A reply whose References do not reach its subject's thread joins that thread's placeholder (step 6.C).
            new(6, "x3", ["elsewhere"], "hello", true, day.AddHours(5)),
        ];
        Assert.Equal("((1)(2 3))((4)(5)(6))", ThreadNode.Format(Threader.Thread(ThreadAlgorithm.References, messages)));
    }

    [Fact]
    public void A_message_whose_references_name_itself_gets_no_parent_from_them()
    {
        // Found comparing with Dovecot on generated threads: "References: <a> <b> <self>" linked the message under
        // <b>; Dovecot (and now we) place it as if it had no parent, then gather it by subject.
        var day = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        ThreadMessage[] messages =
        [
            new(1, "a", [], "topic", false, day),
            new(2, "b", ["a"], "topic", true, day.AddHours(1)),
            new(3, "self", ["a", "b", "self"], "other", false, day.AddHours(2)),
        ];
        Assert.Equal("(1 2)(3)", ThreadNode.Format(Threader.Thread(ThreadAlgorithm.References, messages)));
    }

    [Fact]
    public void Generated_threads_keep_every_message_once_under_its_nearest_present_ancestor()
    {
        // Generated forests: each message's References is its whole ancestor path; some messages are missing (deleted
        // or never received), some References carry a loop or a duplicate id, subjects carry decorations.
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var day = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var parents = new Dictionary<int, int>();
            var topicOf = new Dictionary<int, int>();
            var count = random.Next(1, 60);
            for (var i = 0; i < count; i++)
            {
                var root = i == 0 || random.Next(4) == 0;
                if (!root)
                {
                    parents[i] = random.Next(i);
                }

                topicOf[i] = root ? i : topicOf[parents[i]];
            }

            string[] decorations = ["Re: ", "Fwd: ", "[list] Re: ", "RE: [list] ", "Re: Re: "];
            var present = Enumerable.Range(0, count).Where(_ => random.Next(5) > 0).ToList();
            var selfReferencing = new HashSet<int>();
            var messages = new List<ThreadMessage>();
            foreach (var i in present)
            {
                var path = new List<string>();
                for (var p = parents.GetValueOrDefault(i, -1); p >= 0; p = parents.GetValueOrDefault(p, -1))
                {
                    path.Insert(0, "id" + p);
                }

                if (random.Next(10) == 0 && path.Count > 0)
                {
                    path.Add("id" + i); // a reference to itself: the message is placed as if it had no parent
                    selfReferencing.Add(i);
                }

                var decorated = (parents.ContainsKey(i) ? decorations[random.Next(decorations.Length)] : "") + "topic " + topicOf[i];
                var subject = BaseSubject.Extract(decorated, out var reply);
                messages.Add(new ThreadMessage((uint)i + 1, "id" + i, path, subject, reply, day.AddMinutes(random.Next(10_000))));
            }

            var threads = Threader.Thread(ThreadAlgorithm.References, messages);
            var where = new Dictionary<uint, (ThreadNode Node, int Thread)>();
            for (var t = 0; t < threads.Count; t++)
            {
                Walk(threads[t], t, where);
            }

            Assert.Equal(present.Select(i => (uint)i + 1).Order(), where.Keys.Order());
            foreach (var i in present)
            {
                var number = (uint)i + 1;
                var (node, thread) = where[number];

                // One thread per topic: every message of a topic refers to its root's id, present or not.
                Assert.All(present.Where(j => topicOf[j] == topicOf[i]), j => Assert.Equal(thread, where[(uint)j + 1].Thread));

                // Under its nearest present ancestor, if any.
                var ancestor = parents.GetValueOrDefault(i, -1);
                while (ancestor >= 0 && !present.Contains(ancestor))
                {
                    ancestor = parents.GetValueOrDefault(ancestor, -1);
                }

                if (ancestor >= 0 && !selfReferencing.Contains(i))
                {
                    Assert.True(IsBelow(node, where[(uint)ancestor + 1].Node), $"seed {seed}: {number} not below {ancestor + 1}");
                }
            }
        }

        static void Walk(ThreadNode node, int thread, Dictionary<uint, (ThreadNode, int)> where)
        {
            if (node.Message is { } message)
            {
                Assert.True(where.TryAdd(message.Number, (node, thread)), $"{message.Number} appears twice");
            }

            foreach (var child in node.Children)
            {
                Assert.Same(node, child.Parent);
                Walk(child, thread, where);
            }
        }

        static bool IsBelow(ThreadNode node, ThreadNode ancestor)
        {
            for (var p = node.Parent; p is not null; p = p.Parent)
            {
                if (p == ancestor)
                {
                    return true;
                }
            }

            return false;
        }
    }

    [Fact]
    public void A_chain_of_a_hundred_thousand_replies_threads_without_recursion()
    {
        // An attacker controls References: one deep chain must neither overflow the stack nor take quadratic time.
        var day = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var messages = Enumerable.Range(0, 100_000)
            .Select(i => new ThreadMessage((uint)i + 1, "m" + i, i == 0 ? [] : ["m" + (i - 1)], "chain", i > 0, day.AddMinutes(i)))
            .ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var threads = Threader.Thread(ThreadAlgorithm.References, messages);
        var text = ThreadNode.Format(threads);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        var numbers = text.Split(' ', '(', ')').Where(p => p.Length > 0).ToList();
        Assert.Equal(100_000, numbers.Distinct().Count());
        Assert.Equal(100_000, numbers.Count);

        // Linked as a chain as far as the loop check walks (4,096 levels); deeper, a new chain starts, joined by subject.
        Assert.StartsWith("(1 (2 3 4 5 ", text);
        Assert.Contains(" 4096 4097)(4098 4099 ", text);

        // A comb (every message has a reply and a reply to the reply): as deep, with a branch at every level.
        var comb = new List<ThreadMessage>();
        for (var i = 0; i < 20_000; i++)
        {
            comb.Add(new ThreadMessage((uint)(2 * i) + 1, "c" + i, i == 0 ? [] : ["c" + (i - 1)], "comb", i > 0, day.AddMinutes(2 * i)));
            comb.Add(new ThreadMessage((uint)(2 * i) + 2, "leaf" + i, ["c" + i], "comb", true, day.AddMinutes((2 * i) + 1)));
        }

        var combText = ThreadNode.Format(Threader.Thread(ThreadAlgorithm.References, comb));
        Assert.StartsWith("(1 (2)(3 (4)(5 ", combText);
    }

    private static ThreadMessage Message(uint number) => new(number, null, [], "", false, DateTimeOffset.UnixEpoch);
}
