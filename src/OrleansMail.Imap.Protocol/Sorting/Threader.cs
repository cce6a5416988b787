namespace OrleansMail.Imap.Protocol.Sorting;

/// <summary>
/// The THREAD algorithms of RFC 5256 §3 over what the summaries hold (no body is read): ORDEREDSUBJECT groups by
/// base subject; REFERENCES links messages by Message-ID and References (Zawinski's algorithm as the RFC states
/// it), then gathers threads whose roots share a base subject. O(n log n) in the messages given.
/// </summary>
public static class Threader
{
    public static List<ThreadNode> Thread(ThreadAlgorithm algorithm, IReadOnlyList<ThreadMessage> messages) => algorithm switch
    {
        ThreadAlgorithm.OrderedSubject => OrderedSubject(messages),
        _ => References(messages),
    };

    /// <summary>Sent date, then the order in the mailbox (RFC 5256: a tie or an unparsable date falls back to it).</summary>
    private static int ByDate(ThreadNode a, ThreadNode b)
    {
        var byDate = a.SortDate.CompareTo(b.SortDate);
        return byDate != 0 ? byDate : a.SortNumber.CompareTo(b.SortNumber);
    }

    private static List<ThreadNode> OrderedSubject(IReadOnlyList<ThreadMessage> messages)
    {
        var roots = new List<ThreadNode>();
        var bySubject = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        foreach (var message in messages.OrderBy(m => m.SentDate).ThenBy(m => m.Number))
        {
            var node = new ThreadNode(message);
            if (bySubject.TryGetValue(BaseSubject.CaseMapped(message.BaseSubject), out var first))
            {
                // The first message of a subject is the parent; the rest are its children, in date order.
                node.Parent = first;
                first.Children.Add(node);
                continue;
            }

            bySubject[BaseSubject.CaseMapped(message.BaseSubject)] = node;
            roots.Add(node);
        }

        roots.Sort(ByDate);
        return roots;
    }

    private static List<ThreadNode> References(IReadOnlyList<ThreadMessage> messages)
    {
        // (1) A container per Message-ID (a message without one, or repeating one, gets a container of its own),
        // references linked in order, the message under its last reference; no link that would make a loop.
        var byId = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        var all = new List<ThreadNode>();
        foreach (var message in messages.OrderBy(m => m.Number))
        {
            ThreadNode container;
            if (message.MessageId is { Length: > 0 } id && byId.TryGetValue(id, out var existing) && existing.Message is null)
            {
                existing.Message = message;
                container = existing;
            }
            else
            {
                container = new ThreadNode(message);
                all.Add(container);
                if (message.MessageId is { Length: > 0 } fresh && !byId.ContainsKey(fresh))
                {
                    byId[fresh] = container;
                }
            }

            ThreadNode? previous = null;
            foreach (var reference in message.References)
            {
                if (!byId.TryGetValue(reference, out var referenced))
                {
                    referenced = new ThreadNode(null);
                    byId[reference] = referenced;
                    all.Add(referenced);
                }

                if (previous is not null && referenced.Parent is null && referenced != previous && !IsAncestor(referenced, previous))
                {
                    Link(previous, referenced);
                }

                previous = referenced;
            }

            // A parent from a truncated References header elsewhere gives way to the message's own last reference;
            // a link that would make a loop is not made (the parent found so far stays); a message whose last
            // reference is itself gets no parent. (The last two as Dovecot does, where the RFC is silent.)
            if (previous is null || previous == container)
            {
                Unlink(container);
            }
            else if (!IsAncestor(container, previous))
            {
                Unlink(container);
                Link(previous, container);
            }
        }

        // (2)-(4) The roots, with placeholders pruned: an empty one goes, one with children hands them up (at the
        // root only when it has a single child).
        var roots = Prune(all.Where(c => c.Parent is null).ToList());

        // (5) Roots by date, then (6) roots that share a base subject gathered into one thread.
        SortDeep(roots);
        roots = GatherBySubject(roots);
        SortDeep(roots);
        return roots;
    }

    /// <summary>
    /// Whether <paramref name="node"/> is <paramref name="of"/> or above it. The walk is bounded: a References
    /// chain is the sender's to choose, and past <see cref="MaxWalk"/> levels a link counts as a loop (not made).
    /// </summary>
    private static bool IsAncestor(ThreadNode node, ThreadNode of)
    {
        var steps = 0;
        for (var p = of; p is not null; p = p.Parent)
        {
            if (p == node || ++steps > MaxWalk)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How far up a loop check walks: deeper threads than this are not linked further (about 10^4 levels × n links stays seconds, not hours).</summary>
    private const int MaxWalk = 4096;

    private static void Link(ThreadNode parent, ThreadNode child)
    {
        child.Parent = parent;
        parent.Children.Add(child);
    }

    private static void Unlink(ThreadNode child)
    {
        child.Parent?.Children.Remove(child);
        child.Parent = null;
    }

    /// <summary>Every node below <paramref name="roots"/>, each after all of its descendants: no recursion, however deep the thread.</summary>
    private static List<ThreadNode> PostOrder(List<ThreadNode> roots)
    {
        var order = new List<ThreadNode>();
        var stack = new Stack<ThreadNode>(roots);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            order.Add(node);
            foreach (var child in node.Children)
            {
                stack.Push(child);
            }
        }

        order.Reverse();
        return order;
    }

    /// <summary>
    /// Step 4: placeholders go. An empty one is dropped; one with children hands them to its parent, except at the
    /// root, where it stays when it has more than one child.
    /// </summary>
    private static List<ThreadNode> Prune(List<ThreadNode> roots)
    {
        foreach (var node in PostOrder(roots))
        {
            // Children are pruned before their parent: a placeholder child's children are final already.
            var kept = new List<ThreadNode>(node.Children.Count);
            foreach (var child in node.Children)
            {
                if (child.Message is not null)
                {
                    kept.Add(child);
                }
                else
                {
                    kept.AddRange(child.Children);
                }
            }

            node.Children.Clear();
            foreach (var child in kept)
            {
                child.Parent = node;
                node.Children.Add(child);
            }
        }

        var result = new List<ThreadNode>();
        foreach (var root in roots)
        {
            if (root.Message is not null || root.Children.Count > 1)
            {
                result.Add(root);
                continue;
            }

            foreach (var child in root.Children)
            {
                child.Parent = null;
                result.Add(child);
            }
        }

        return result;
    }

    /// <summary>Steps 5 and 7: siblings by date, deepest first, since a placeholder's date is its first child's.</summary>
    private static void SortDeep(List<ThreadNode> roots)
    {
        foreach (var node in PostOrder(roots))
        {
            node.Children.Sort(ByDate);
        }

        roots.Sort(ByDate);
    }

    /// <summary>RFC 5256 §3 step 6: threads whose roots have the same base subject become one.</summary>
    private static List<ThreadNode> GatherBySubject(List<ThreadNode> roots)
    {
        var table = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var (subject, reply) = SubjectOf(root);
            if (subject.Length == 0)
            {
                continue;
            }

            if (!table.TryGetValue(subject, out var old)
                || (root.Message is null && old.Message is not null)
                || (old.Message is not null && root.Message is not null && SubjectOf(old).Reply && !reply))
            {
                table[subject] = root;
            }
        }

        // What stands at the root level for a root once merged (a placeholder, or the root that became its parent).
        var standIn = new Dictionary<ThreadNode, ThreadNode>();
        foreach (var root in roots)
        {
            var (subject, reply) = SubjectOf(root);
            if (subject.Length == 0 || !table.TryGetValue(subject, out var held) || held == root)
            {
                continue;
            }

            if (held.Message is null && root.Message is null)
            {
                foreach (var child in root.Children.ToList())
                {
                    Link(held, child);
                }

                standIn[root] = held;
            }
            else if (held.Message is null || (reply && !held.Message.IsReplyOrForward))
            {
                Link(held, root);
                standIn[root] = held;
            }
            else if (!reply && held.Message.IsReplyOrForward && root.Message is not null)
            {
                // Misordered: the one that is not a reply becomes the parent.
                Link(root, held);
                standIn[held] = root;
                table[subject] = root;
            }
            else
            {
                var placeholder = new ThreadNode(null);
                Link(placeholder, held);
                Link(placeholder, root);
                standIn[held] = placeholder;
                standIn[root] = placeholder;
                table[subject] = placeholder;
            }
        }

        var result = new List<ThreadNode>();
        var placed = new HashSet<ThreadNode>();
        foreach (var root in roots)
        {
            var top = root;
            while (standIn.TryGetValue(top, out var next) && next != top)
            {
                top = next;
            }

            if (placed.Add(top))
            {
                result.Add(top);
            }
        }

        return result;
    }

    private static (string Subject, bool Reply) SubjectOf(ThreadNode root)
    {
        var message = root.Message ?? (root.Children.Count > 0 ? root.Children[0].Message : null);
        return message is null ? ("", false) : (BaseSubject.CaseMapped(message.BaseSubject), message.IsReplyOrForward);
    }
}
