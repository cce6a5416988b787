using System.Text;

namespace OrleansMail.Imap.Protocol.Sorting;

/// <summary>One node of a thread tree: a message, or (under REFERENCES) a placeholder for one that is not there.</summary>
public sealed class ThreadNode(ThreadMessage? message)
{
    public ThreadMessage? Message { get; set; } = message;

    public List<ThreadNode> Children { get; } = [];

    public ThreadNode? Parent { get; set; }

    /// <summary>The date a node sorts by: its message's, or for a placeholder its first child's (RFC 5256 §3, step 4).</summary>
    public DateTimeOffset SortDate => Message?.SentDate ?? (Children.Count > 0 ? Children[0].SortDate : DateTimeOffset.MinValue);

    public uint SortNumber => Message?.Number ?? (Children.Count > 0 ? Children[0].SortNumber : 0);

    /// <summary>
    /// The THREAD response's form of a list of roots (RFC 5256 §4): "(a b (c)(d))" per thread. A chain of only
    /// children runs as numbers; where it branches, each branch is a nested list. Written with an explicit stack:
    /// a thread is as deep as its senders' References make it.
    /// </summary>
    public static string Format(IEnumerable<ThreadNode> roots)
    {
        var text = new StringBuilder();
        var work = new Stack<(ThreadNode? Node, bool Close)>();
        foreach (var root in roots.Reverse())
        {
            work.Push((null, true));
            work.Push((root, false));
        }

        while (work.Count > 0)
        {
            var (start, close) = work.Pop();
            if (close)
            {
                text.Append(')');
                continue;
            }

            text.Append('(');

            var node = start!;
            var first = true;
            while (true)
            {
                if (node.Message is { } message)
                {
                    if (!first)
                    {
                        text.Append(' ');
                    }

                    text.Append(message.Number);
                    first = false;
                }

                if (node.Children.Count == 1 && node.Message is not null)
                {
                    node = node.Children[0];
                    continue;
                }

                if (node.Children.Count > 0 && !first)
                {
                    text.Append(' ');
                }

                // Each branch is "(" members ")": pushed in reverse so the first branch is written first.
                for (var i = node.Children.Count - 1; i >= 0; i--)
                {
                    work.Push((null, true));
                    work.Push((node.Children[i], false));
                }

                break;
            }
        }

        return text.ToString();
    }
}
