using OrleansMail.Imap.Protocol.Search;
using OrleansMail.Imap.Protocol.Sorting;
using OrleansMail.Mail;

namespace OrleansMail.Imap.Protocol.Requests;

/// <summary>
/// Turns a tokenized command into its typed request, checking every argument against the grammar of RFC 3501
/// and the extensions the server offers; anything else is an <see cref="ImapSyntaxException"/> (BAD). What needs
/// the session (is QRESYNC enabled, does the mailbox exist) is the session's to decide.
/// </summary>
public static class ImapRequestParser
{
    /// <summary>The request a command stands for; an unknown command name is a syntax error like any other.</summary>
    public static ImapRequest Parse(ImapCommand command, bool utf8Names = false)
    {
        var args = new ImapArguments(command.Arguments) { Utf8Names = utf8Names };
        var tag = command.Tag;
        ImapRequest request = command.Name switch
        {
            "CAPABILITY" or "NOOP" or "LOGOUT" or "STARTTLS" or "NAMESPACE" or "IDLE" or "CHECK" or "CLOSE" or "UNSELECT" or "UNAUTHENTICATE" => new PlainRequest(tag, command.Name),
            "ID" => Id(tag, args),
            "LOGIN" => new LoginRequest(tag, args.AString("user name"), args.AString("password")),
            "AUTHENTICATE" => new AuthenticateRequest(tag, args.Atom("mechanism").ToUpperInvariant(), args.HasMore ? args.AString("initial response") : null),
            "ENABLE" => Enable(tag, args),
            "COMPRESS" => new CompressRequest(tag, args.Atom("compression mechanism").ToUpperInvariant()),
            "SELECT" or "EXAMINE" => Select(tag, args, readOnly: command.Name == "EXAMINE"),
            "CREATE" => Create(tag, args),
            "DELETE" or "SUBSCRIBE" or "UNSUBSCRIBE" or "GETQUOTAROOT" => new MailboxRequest(tag, command.Name, Mailbox(args)),
            "GETQUOTA" => new QuotaRequest(tag, command.Name, args.AString("quota root"), []),
            "SETQUOTA" => SetQuota(tag, args),
            "GETMETADATA" => MetadataRequestParser.Get(tag, args),
            "SETACL" => SetAcl(tag, args),
            "DELETEACL" or "LISTRIGHTS" => new AclRequest(tag, command.Name, Mailbox(args), args.AString("identifier"), null),
            "GETACL" or "MYRIGHTS" => new AclRequest(tag, command.Name, Mailbox(args), null, null),
            "SETMETADATA" => MetadataRequestParser.Set(tag, args),
            "NOTIFY" => NotifyRequestParser.Parse(tag, args),
            "RENAME" => new RenameRequest(tag, Mailbox(args), Mailbox(args)),
            "LIST" or "LSUB" => List(tag, args, lsub: command.Name == "LSUB"),
            "STATUS" => Status(tag, args),
            "APPEND" => new AppendRequest(tag, TakeRest(args)),
            "REPLACE" => new ReplaceRequest(tag, MessageNumber(args), Mailbox(args), TakeRest(args)),
            "EXPUNGE" => new ExpungeRequest(tag, command.Uid ? args.SequenceSet() : null),
            "SEARCH" => Search(tag, args),
            "SORT" => Sort(tag, args),
            "THREAD" => Thread(tag, args),
            "CANCELUPDATE" => CancelUpdate(tag, args),
            "FETCH" => Fetch(tag, args, command.Uid),
            "STORE" => Store(tag, args),
            "COPY" or "MOVE" => new CopyRequest(tag, args.SequenceSet(), Mailbox(args), Move: command.Name == "MOVE"),
            _ => throw new ImapSyntaxException($"Unknown command {command.Name}"),
        };
        args.End();
        return request with { Uid = command.Uid, HasInvalidMailboxName = args.HasInvalidMailboxName };
    }

    /// <summary>
    /// A mailbox argument: decoded from modified UTF-7 (RFC 3501 §5.1.3), trailing delimiters dropped, INBOX in
    /// any case made INBOX. Empty when the client named nothing; the session refuses that with NO. A name that is
    /// not valid modified UTF-7 comes back as sent, marked on <paramref name="args"/>.
    /// </summary>
    public static string Mailbox(ImapArguments args)
    {
        var wire = args.AString("mailbox name");
        var name = wire;
        if (!args.Utf8Names && !ModifiedUtf7.TryDecode(wire, out name))
        {
            args.HasInvalidMailboxName = true;
            return wire;
        }

        name = name.TrimEnd(MailboxName.Delimiter);
        return name.Length == 0 ? name : MailboxName.Normalize(name);
    }

    /// <summary>setacl = "SETACL" SP mailbox SP identifier SP mod-rights; mod-rights = astring ("+" or "-" then rights, or rights).</summary>
    private static AclRequest SetAcl(string tag, ImapArguments args)
    {
        var mailbox = Mailbox(args);
        var identifier = args.AString("identifier");
        var rights = args.AString("rights");
        var letters = rights.Length > 0 && rights[0] is '+' or '-' ? rights[1..] : rights;
        if (!MailboxRightsText.TryParse(letters, out _))
        {
            throw new ImapSyntaxException("Rights are letters of \"lrswipkxtea\" (and the obsolete \"cd\"), after + or - to add or take away");
        }

        return new AclRequest(tag, "SETACL", mailbox, identifier, rights);
    }

    /// <summary>setquota = "SETQUOTA" SP quota-root-name SP setquota-list; setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")".</summary>
    private static QuotaRequest SetQuota(string tag, ImapArguments args)
    {
        var root = args.AString("quota root");
        var list = args.Next("resource limits");
        if (!list.IsList)
        {
            throw new ImapSyntaxException("SETQUOTA needs a parenthesized list of resource limits");
        }

        var items = list.Items;
        if (items.Count % 2 != 0)
        {
            throw new ImapSyntaxException("SETQUOTA resource limits come in pairs: resource name and limit");
        }

        var limits = new List<(string, long)>();
        for (var i = 0; i < items.Count; i += 2)
        {
            if (!items[i].IsAtom || !long.TryParse(items[i + 1].Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit))
            {
                throw new ImapSyntaxException("SETQUOTA resource limits are an atom and a number");
            }

            limits.Add((items[i].Text.ToUpperInvariant(), limit));
        }

        return new QuotaRequest(tag, "SETQUOTA", root, limits);
    }

    private static IdRequest Id(string tag, ImapArguments args)
    {
        var list = args.Next("ID parameters");
        if (list.IsNil)
        {
            return new IdRequest(tag, null);
        }

        if (!list.IsList)
        {
            throw new ImapSyntaxException("ID takes a list or NIL");
        }

        // RFC 2971 §3.3: at most 30 pairs are meaningful; the rest is not kept.
        var fields = list.Items.Take(60).Chunk(2).Select(p => (p[0].Text, p.Length > 1 && !p[1].IsNil ? p[1].Text : null)).ToList();
        return new IdRequest(tag, fields);
    }

    private static EnableRequest Enable(string tag, ImapArguments args)
    {
        if (!args.HasMore)
        {
            throw new ImapSyntaxException("ENABLE needs a capability");
        }

        var capabilities = new List<string>();
        while (args.HasMore)
        {
            capabilities.Add(args.Atom("capability").ToUpperInvariant());
        }

        return new EnableRequest(tag, capabilities);
    }

    private static SelectRequest Select(string tag, ImapArguments args, bool readOnly)
    {
        var name = Mailbox(args);
        var condStore = false;
        QresyncParameters? qresync = null;
        if (args.HasMore)
        {
            // RFC 4466 select parameters: CONDSTORE and QRESYNC (RFC 7162).
            var parameters = new ImapArguments(args.List("select parameters").Items);
            while (parameters.HasMore)
            {
                if (parameters.TryTake("CONDSTORE"))
                {
                    condStore = true;
                }
                else if (parameters.TryTake("QRESYNC"))
                {
                    qresync = Qresync(parameters.Next("QRESYNC parameters"));
                }
                else
                {
                    throw new ImapSyntaxException("Unknown SELECT parameter");
                }
            }
        }

        return new SelectRequest(tag, name, readOnly, condStore, qresync);
    }

    private static QresyncParameters Qresync(ImapToken list)
    {
        if (!list.IsList || list.Items.Count is < 2 or > 4)
        {
            throw new ImapSyntaxException("QRESYNC takes (uidvalidity modseq [known-uids [seq-match]])");
        }

        var args = new ImapArguments(list.Items);
        var validity = args.Number("uidvalidity");
        var modSeq = args.Number("modseq");
        if (validity is 0 or > uint.MaxValue || modSeq == 0)
        {
            throw new ImapSyntaxException("Invalid QRESYNC uidvalidity or modseq");
        }

        UidSet? known = null;
        if (args.HasMore && args.Peek is { IsAtom: true })
        {
            known = UidSet.FromRanges(args.SequenceSet().Resolve(uint.MaxValue - 1));
        }

        // The sequence-match data only saves a server work when it has no expunge history; ours has one.
        if (args.HasMore)
        {
            var match = args.List("sequence match data");
            if (match.Items.Count != 2 || !match.Items.All(t => t.IsAtom && ImapSequenceSet.TryParse(t.Text, out _)))
            {
                throw new ImapSyntaxException("Invalid QRESYNC sequence match data");
            }
        }

        args.End();
        return new QresyncParameters((uint)validity, modSeq, known);
    }

    private static CreateRequest Create(string tag, ImapArguments args)
    {
        var name = Mailbox(args);
        string? use = null;
        if (args.HasMore)
        {
            // RFC 6154 §5.2 CREATE-SPECIAL-USE: CREATE name (USE (\Sent)).
            var parameters = args.List("create parameters").Items;
            if (parameters.Count != 2 || !parameters[0].Is("USE") || !parameters[1].IsList || parameters[1].Items.Count != 1)
            {
                throw new ImapSyntaxException("Expected (USE (attribute))");
            }

            use = parameters[1].Items[0].Text;
        }

        return new CreateRequest(tag, name, use);
    }

    private static ListRequest List(string tag, ImapArguments args, bool lsub)
    {
        var selectSubscribed = lsub;
        var selectSpecialUse = false;
        var recursiveMatch = false;
        var returnSubscribed = false;
        var returnSpecialUse = true;
        var returnChildren = !lsub;
        var returnMyRights = false;
        List<string>? returnStatus = null;
        if (!lsub && args.Peek is { IsList: true })
        {
            // RFC 5258 selection options.
            foreach (var option in args.List("selection options").Items)
            {
                switch (option.Text.ToUpperInvariant())
                {
                    case "SUBSCRIBED": selectSubscribed = true; returnSubscribed = true; break;
                    case "SPECIAL-USE": selectSpecialUse = true; break;
                    case "RECURSIVEMATCH": recursiveMatch = true; break;
                    case "REMOTE": break;
                    default: throw new ImapSyntaxException($"Unknown LIST selection option {option.Text}");
                }
            }

            if (recursiveMatch && !selectSubscribed)
            {
                throw new ImapSyntaxException("RECURSIVEMATCH needs another selection option");
            }
        }

        // Decoded with the patterns by the session: a reference or pattern that is not valid modified UTF-7
        // matches no name, which is an empty answer, not an error.
        var reference = args.AString("reference");

        var patternToken = args.Next("mailbox pattern");
        List<string> patterns = patternToken.IsList ? [.. patternToken.Items.Select(t => t.Text)] : [patternToken.Text];
        if (!lsub && args.TryTake("RETURN"))
        {
            foreach (var option in args.List("return options").Items)
            {
                switch (option.Text.ToUpperInvariant())
                {
                    case "SUBSCRIBED": returnSubscribed = true; break;
                    case "CHILDREN": returnChildren = true; break;
                    case "SPECIAL-USE": returnSpecialUse = true; break;
                    case "MYRIGHTS": returnMyRights = true; break;
                    case "STATUS":
                        break;
                    default:
                        if (option.IsList && returnStatus is null)
                        {
                            // The list after STATUS (RFC 5819): the tokenizer gives "STATUS" and the list separately.
                            returnStatus = [.. option.Items.Select(i => i.Text.ToUpperInvariant())];
                            break;
                        }

                        throw new ImapSyntaxException($"Unknown LIST return option {option.Text}");
                }
            }
        }

        return new ListRequest(tag, lsub, reference, patterns)
        {
            SelectSubscribed = selectSubscribed,
            SelectSpecialUse = selectSpecialUse,
            RecursiveMatch = recursiveMatch,
            ReturnSubscribed = returnSubscribed,
            ReturnChildren = returnChildren,
            ReturnSpecialUse = returnSpecialUse,
            ReturnStatus = returnStatus,
            ReturnMyRights = returnMyRights,
        };
    }

    private static StatusRequest Status(string tag, ImapArguments args)
    {
        var name = Mailbox(args);
        var items = args.List("status items").Items.Select(i => i.Text.ToUpperInvariant()).ToList();
        return items.Count == 0 ? throw new ImapSyntaxException("STATUS needs at least one item") : new StatusRequest(tag, name, items);
    }

    private static FetchRequest Fetch(string tag, ImapArguments args, bool uid)
    {
        var set = args.SequenceSet();
        var items = FetchItem.ParseAll(args.Next("FETCH items"));
        if (items is [{ Kind: FetchKind.Preview }] && args.Peek is { IsList: true } previewList && previewList.Items.Count > 0 && previewList.Items[0].Text.Equals("LAZY", StringComparison.OrdinalIgnoreCase))
        {
            // "FETCH 1 PREVIEW (LAZY)": the list is PREVIEW's, not the FETCH modifiers.
            FetchItem.IsPreviewModifiers(args.Next("PREVIEW modifiers"));
        }

        ulong changedSince = 0;
        var vanished = false;
        if (args.HasMore)
        {
            // RFC 7162 §3.1.4 and §3.2.6: FETCH modifiers.
            var modifiers = new ImapArguments(args.List("FETCH modifiers").Items);
            while (modifiers.HasMore)
            {
                if (modifiers.TryTake("CHANGEDSINCE"))
                {
                    changedSince = modifiers.Number("modseq");
                }
                else if (modifiers.TryTake("VANISHED"))
                {
                    vanished = true;
                }
                else
                {
                    throw new ImapSyntaxException("Unknown FETCH modifier");
                }
            }

            if (vanished && (!uid || changedSince == 0))
            {
                throw new ImapSyntaxException("VANISHED needs UID FETCH, CHANGEDSINCE and QRESYNC enabled");
            }
        }

        return new FetchRequest(tag, set, items, changedSince, vanished);
    }

    private static StoreRequest Store(string tag, ImapArguments args)
    {
        var set = args.SequenceSet();
        ulong? unchangedSince = null;
        if (args.Peek is { IsList: true })
        {
            var modifiers = new ImapArguments(args.List("STORE modifiers").Items);
            if (!modifiers.TryTake("UNCHANGEDSINCE"))
            {
                throw new ImapSyntaxException("Unknown STORE modifier");
            }

            unchangedSince = modifiers.Number("modseq");
            modifiers.End();
        }

        var itemName = args.Atom("STORE item").ToUpperInvariant();
        var silent = itemName.EndsWith(".SILENT", StringComparison.Ordinal);
        var operation = (silent ? itemName[..^7] : itemName) switch
        {
            "FLAGS" => FlagOperation.Replace,
            "+FLAGS" => FlagOperation.Add,
            "-FLAGS" => FlagOperation.Remove,
            _ => throw new ImapSyntaxException("Expected FLAGS, +FLAGS or -FLAGS"),
        };
        var tokens = args.Peek is { IsList: true } ? args.List("flags").Items : TakeRest(args);
        var (flags, keywords) = ImapValues.ParseFlags(tokens);
        return new StoreRequest(tag, set, operation, silent, flags, keywords, unchangedSince);
    }

    private static SearchRequest Search(string tag, ImapArguments args)
    {
        var (returns, partial) = args.TryTake("RETURN") ? ReturnOptions(args, "MIN", "MAX", "COUNT", "ALL", "SAVE", "UPDATE", "RELEVANCY") : (null, null);
        if (returns is not null && returns.Contains("RELEVANCY"))
        {
            // RFC 6203 §4: the scores are in the order of the messages ALL lists, so ALL comes with them.
            returns.Add("ALL");
        }

        var charset = args.TryTake("CHARSET") ? args.AString("charset") : null;
        return new SearchRequest(tag, returns, charset, SearchKey.ParseAll(args)) { Partial = partial };
    }

    /// <summary>
    /// ESEARCH's return options (RFC 4731; RETURN () means ALL), with RFC 9394's PARTIAL and its range; anything
    /// not in <paramref name="allowed"/> is a syntax error.
    /// </summary>
    private static (HashSet<string> Returns, PartialRange? Partial) ReturnOptions(ImapArguments args, params string[] allowed)
    {
        var items = args.List("return options").Items;
        var returns = new HashSet<string>(StringComparer.Ordinal);
        PartialRange? partial = null;
        for (var i = 0; i < items.Count; i++)
        {
            var option = items[i].IsAtom ? items[i].Text.ToUpperInvariant() : throw new ImapSyntaxException("Invalid return option");
            if (option == "PARTIAL")
            {
                partial = i + 1 < items.Count && items[i + 1].IsAtom && partial is null ? PartialRange.Parse(items[++i].Text) : throw new ImapSyntaxException("PARTIAL takes one range");
            }
            else if (!allowed.Contains(option))
            {
                throw new ImapSyntaxException($"Unknown return option {items[i].Text}");
            }

            returns.Add(option);
        }

        if (returns.Count == 0)
        {
            returns.Add("ALL");
        }

        return (returns, partial);
    }

    /// <summary>SORT (criteria) charset keys (RFC 5256 §3): at least one criterion, REVERSE only before one.</summary>
    private static SortRequest Sort(string tag, ImapArguments args)
    {
        var (returns, partial) = args.TryTake("RETURN") ? ReturnOptions(args, "MIN", "MAX", "COUNT", "ALL", "SAVE", "UPDATE") : (null, null);

        var list = args.List("sort criteria").Items;
        var criteria = new List<SortCriterion>();
        var reverse = false;
        foreach (var item in list)
        {
            var word = item.IsAtom ? item.Text.ToUpperInvariant() : throw new ImapSyntaxException("Invalid sort criterion");
            if (word == "REVERSE")
            {
                reverse = !reverse ? true : throw new ImapSyntaxException("REVERSE twice");
                continue;
            }

            var key = word switch
            {
                "ARRIVAL" => SortKey.Arrival,
                "CC" => SortKey.Cc,
                "DATE" => SortKey.Date,
                "FROM" => SortKey.From,
                "SIZE" => SortKey.Size,
                "SUBJECT" => SortKey.Subject,
                "TO" => SortKey.To,
                "DISPLAYFROM" => SortKey.DisplayFrom,
                "DISPLAYTO" => SortKey.DisplayTo,
                _ => throw new ImapSyntaxException($"Unknown sort criterion {item.Text}"),
            };
            criteria.Add(new SortCriterion(key, reverse));
            reverse = false;
        }

        if (criteria.Count == 0 || reverse)
        {
            throw new ImapSyntaxException(reverse ? "REVERSE must precede a criterion" : "SORT needs a criterion");
        }

        return new SortRequest(tag, criteria, args.AString("charset"), SearchKey.ParseAll(args)) { Return = returns, Partial = partial };
    }

    /// <summary>CANCELUPDATE "tag" *(SP "tag") (RFC 5267 §4.3): the searches to stop updating.</summary>
    private static CancelUpdateRequest CancelUpdate(string tag, ImapArguments args)
    {
        var tags = new List<string>();
        do
        {
            var token = args.Next("search tag");
            tags.Add(token.Kind is ImapTokenKind.Quoted or ImapTokenKind.Literal ? token.Text : throw new ImapSyntaxException("A search tag is a quoted string"));
        }
        while (args.HasMore);

        return new CancelUpdateRequest(tag, tags);
    }

    private static ThreadRequest Thread(string tag, ImapArguments args)
    {
        var algorithm = args.Atom("thread algorithm").ToUpperInvariant() switch
        {
            "ORDEREDSUBJECT" => ThreadAlgorithm.OrderedSubject,
            "REFERENCES" => ThreadAlgorithm.References,
            var other => throw new ImapSyntaxException($"Unknown thread algorithm {other}"),
        };
        return new ThreadRequest(tag, algorithm, args.AString("charset"), SearchKey.ParseAll(args));
    }

    private static uint MessageNumber(ImapArguments args)
    {
        var number = args.Number("message number");
        return number is > 0 and <= uint.MaxValue ? (uint)number : throw new ImapSyntaxException("Invalid message number");
    }

    private static List<ImapToken> TakeRest(ImapArguments args)
    {
        var rest = new List<ImapToken>();
        while (args.HasMore)
        {
            rest.Add(args.Next("argument"));
        }

        return rest;
    }
}
