using MimeKit;

namespace OrleansMail.Sieve;

/// <summary>
/// A compiled script: checked once (syntax, known and required names, argument shapes, limits) and then run for each
/// message. Supports RFC 5228 and the extensions in <see cref="Extensions"/>.
/// </summary>
public sealed class SieveScript
{
    /// <summary>What "require" may name, and what CAPABILITY's SIEVE line lists (RFC 5804 §1.7).</summary>
    public static readonly IReadOnlyList<string> Extensions =
    [
        "fileinto", "envelope", "copy", "imap4flags", "mailbox", "subaddress", "reject", "ereject", "relational", "date",
        "vacation", "regex", "body", "index", "variables", "include", "duplicate", "editheader", "comparator-i;ascii-numeric", "comparator-i;octet", "comparator-i;ascii-casemap",
    ];

    /// <summary>The extensions a script may use under these limits: without a way to send mail, no vacation.</summary>
    public static IReadOnlyList<string> ExtensionsFor(SieveLimits limits) =>
        [.. Extensions.Where(e => (e != "vacation" || limits.CanSendMail) && (e != "editheader" || limits.AllowEditHeader))];

    /// <summary>Fields no script may add or delete (RFC 5293 §6): the trace of how the message came, and the loop guard of automatic replies.</summary>
    private static readonly string[] ProtectedFields = ["received", "auto-submitted"];

    private static readonly string[] MatchTags = ["is", "contains", "matches", "value", "count", "regex"];

    /// <summary>RFC 5173 §5: what of the body a body test compares.</summary>
    private static readonly string[] BodyTransformTags = ["raw", "content", "text"];

    /// <summary>RFC 5260 §6: which occurrence of a header field a test looks at.</summary>
    private static readonly string[] IndexTags = ["index", "last"];

    /// <summary>The longest :regex key: enough for any real filter, short enough that compiling one costs nothing.</summary>
    public const int MaxRegexLength = 1024;
    private static readonly string[] AddressTags = ["all", "localpart", "domain", "user", "detail"];

    private readonly IReadOnlyList<SieveStatement> _statements;
    private readonly SieveLimits _limits;

    /// <summary>How deep includes may nest (RFC 6609 §3.2 leaves it to the site; Pigeonhole's default is 10).</summary>
    public const int MaxIncludeDepth = 10;

    private SieveScript(IReadOnlyList<SieveStatement> statements, IReadOnlySet<string> requires, SieveLimits limits, IReadOnlySet<string> globals)
    {
        _statements = statements;
        GlobalNames = globals;
        Requires = requires;
        _limits = limits;
    }

    /// <summary>The extensions the script requires.</summary>
    public IReadOnlySet<string> Requires { get; }

    /// <summary>The variables its "global" commands share with the scripts that include it or that it includes (RFC 6609 §3.3).</summary>
    internal IReadOnlySet<string> GlobalNames { get; }

    internal IReadOnlyList<SieveStatement> Statements => _statements;

    /// <summary>Whether this script or any script it includes requires the extension.</summary>
    public bool UsesAnywhere(string extension) =>
        Requires.Contains(extension) || IncludeStatement.Included(_statements).Any(s => s.UsesAnywhere(extension));

    /// <param name="personal">
    /// The user's other scripts by name, for include (RFC 6609); null when they are not at hand (an offline check),
    /// and then an include runs only if it is :optional. A script that is missing is an error when the include runs,
    /// not when this one is stored: scripts may be uploaded in any order.
    /// </param>
    /// <param name="name">The script's own name among the user's, so an include of it by a script it includes is seen as a loop.</param>
    /// <exception cref="SieveScriptException">The script is not valid; the message names the line and column.</exception>
    public static SieveScript Compile(string source, SieveLimits? limits = null, Func<string, string?>? personal = null, string? name = null) =>
        Compile(source, limits ?? new SieveLimits(), personal, name is null ? [] : [name], new Dictionary<string, SieveScript>(StringComparer.Ordinal));

    /// <param name="compiled">Scripts already compiled for this bundle: a script included from many places is compiled once.</param>
    private static SieveScript Compile(string source, SieveLimits limits, Func<string, string?>? personal, IReadOnlyList<string> including, Dictionary<string, SieveScript> compiled)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(source) > limits.MaxScriptBytes)
        {
            throw new SieveScriptException($"the script is larger than {limits.MaxScriptBytes} bytes", new SievePosition(1, 1));
        }

        var nodes = SieveParser.Parse(source, limits.MaxNesting);
        var requires = new HashSet<string>(StringComparer.Ordinal);
        var compiler = new Compiler(requires, limits, personal, including, compiled);
        var start = 0;
        for (; start < nodes.Count && nodes[start].Name == "require"; start++)
        {
            compiler.Require(nodes[start]);
        }

        var statements = compiler.Block(nodes.Skip(start).ToList());
        return new SieveScript(statements, requires, limits, compiler.Globals);
    }

    /// <summary>Runs the script on one message: the actions to take, the implicit keep included; none when it discards.</summary>
    /// <param name="mailboxExists">Answers mailboxexists (RFC 5490); without it, no mailbox exists.</param>
    /// <param name="now">The time of delivery, in the server's zone (RFC 5260's currentdate); the clock's when absent.</param>
    /// <param name="seen">For the duplicate test (RFC 7352): when each tracked key was last recorded, in Unix seconds.</param>
    /// <exception cref="SieveRuntimeException">The run passed a limit or took actions that exclude each other.</exception>
    public IReadOnlyList<SieveAction> Evaluate(SieveMessage message, Func<string, bool>? mailboxExists = null, DateTimeOffset? now = null, IReadOnlyDictionary<string, long>? seen = null)
    {
        var at = now ?? DateTimeOffset.Now;
        var run = new SieveRun(message, _limits) { MailboxExists = mailboxExists ?? (_ => false), Now = at, LocalOffset = at.Offset, Variables = Requires.Contains("variables") ? new(StringComparer.OrdinalIgnoreCase) : null, GlobalNames = GlobalNames, Seen = seen ?? new Dictionary<string, long>() };
        SieveStatement.ExecuteAll(_statements, run);
        var actions = new List<SieveAction>();
        foreach (var action in run.Actions)
        {
            // RFC 5228 §2.10.3: the same delivery twice happens once.
            if (!actions.Any(a => SameDelivery(a, action)))
            {
                actions.Add(action);
            }
        }

        if (run.ImplicitKeep && !actions.OfType<SieveKeep>().Any())
        {
            actions.Add(new SieveKeep([.. run.Flags]));
        }

        if (message.EditedHeaders is { } edited)
        {
            actions.Add(new SieveHeaderEdited(edited));
        }

        if (actions.OfType<SieveReject>().Any() && actions.Any(a => a is not (SieveReject or SieveTrackDuplicate or SieveHeaderEdited)))
        {
            throw new SieveRuntimeException("reject cannot be combined with keep, fileinto or redirect (RFC 5429 §2.1)");
        }

        return actions;
    }

    private static bool SameDelivery(SieveAction a, SieveAction b) => (a, b) switch
    {
        (SieveKeep, SieveKeep) => true,
        (SieveFileInto x, SieveFileInto y) => MailboxEquals(x.Mailbox, y.Mailbox),
        (SieveKeep, SieveFileInto f) => MailboxEquals(f.Mailbox, "INBOX"),
        (SieveFileInto f, SieveKeep) => MailboxEquals(f.Mailbox, "INBOX"),
        (SieveRedirect x, SieveRedirect y) => string.Equals(x.Address, y.Address, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static bool MailboxEquals(string x, string y) =>
        string.Equals(x, y, StringComparison.Ordinal) || (string.Equals(x, "INBOX", StringComparison.OrdinalIgnoreCase) && string.Equals(y, "INBOX", StringComparison.OrdinalIgnoreCase));

    /// <summary>Turns parsed nodes into statements and tests, checking each against RFC 5228 §3–5 and the extensions' grammars.</summary>
    private sealed class Compiler(HashSet<string> requires, SieveLimits limits, Func<string, string?>? personal, IReadOnlyList<string> including, Dictionary<string, SieveScript> compiled)
    {
        public HashSet<string> Globals { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void Require(SieveNode node)
        {
            var args = new Arguments(node, []);
            foreach (var name in args.Strings(0, "the extensions to require"))
            {
                if (!Extensions.Contains(name, StringComparer.Ordinal))
                {
                    throw new SieveScriptException($"unsupported extension \"{name}\"", node.Position);
                }

                if (name == "vacation" && !limits.CanSendMail)
                {
                    throw new SieveScriptException("vacation needs a submission relay, and this server has none", node.Position);
                }

                if (name == "editheader" && !limits.AllowEditHeader)
                {
                    throw new SieveScriptException("editheader is not enabled on this server", node.Position);
                }

                requires.Add(name);
            }

            args.End(1);
            NoTestsOrBlock(node);
        }

        public List<SieveStatement> Block(IReadOnlyList<SieveNode> nodes)
        {
            var statements = new List<SieveStatement>();
            for (var i = 0; i < nodes.Count; i++)
            {
                var node = nodes[i];
                if (node.Name == "if")
                {
                    var branches = new List<(SieveTestNode?, IReadOnlyList<SieveStatement>)> { Branch(node) };
                    while (i + 1 < nodes.Count && nodes[i + 1].Name is "elsif" or "else")
                    {
                        var next = nodes[++i];
                        branches.Add(next.Name == "else" ? (null, ElseBlock(next)) : Branch(next));
                        if (next.Name == "else")
                        {
                            break;
                        }
                    }

                    statements.Add(new IfStatement(branches));
                }
                else
                {
                    statements.Add(Command(node));
                }
            }

            return statements;
        }

        private (SieveTestNode?, IReadOnlyList<SieveStatement>) Branch(SieveNode node)
        {
            new Arguments(node, []).End(0);
            if (node.Tests.Count != 1 || node.Block is null)
            {
                throw new SieveScriptException($"\"{node.Name}\" takes one test and a block", node.Position);
            }

            return (Test(node.Tests[0]), Block(node.Block));
        }

        private List<SieveStatement> ElseBlock(SieveNode node)
        {
            new Arguments(node, []).End(0);
            if (node.Tests.Count != 0 || node.Block is null)
            {
                throw new SieveScriptException("\"else\" takes a block and nothing else", node.Position);
            }

            return Block(node.Block);
        }

        private SieveStatement Command(SieveNode node)
        {
            switch (node.Name)
            {
                case "elsif" or "else":
                    throw new SieveScriptException($"\"{node.Name}\" without an \"if\" before it", node.Position);
                case "require":
                    throw new SieveScriptException("\"require\" must come before every other command", node.Position);
                case "if":
                    throw new InvalidOperationException("if is compiled by Block");
            }

            NoTestsOrBlock(node);
            switch (node.Name)
            {
                case "stop":
                    new Arguments(node, []).End(0);
                    return new StopStatement();
                case "return":
                    Need(node, "include");
                    new Arguments(node, []).End(0);
                    return new ReturnStatement();
                case "include":
                    return Include(node);
                case "global":
                    {
                        Need(node, "include");
                        Need(node, "variables");
                        var args = new Arguments(node, []);
                        var names = args.Strings(0, "the variable names");
                        args.End(1);
                        foreach (var name in names)
                        {
                            if (!SieveVariables.IsName(name))
                            {
                                throw new SieveScriptException($"\"{name}\" is not a variable name", node.Position);
                            }

                            Globals.Add(name);
                        }

                        return new ActionStatement(_ => { });
                    }
                case "discard":
                    new Arguments(node, []).End(0);
                    return new ActionStatement(run => run.ImplicitKeep = false);
                case "keep":
                    {
                        var args = new Arguments(node, Flagged(node));
                        args.End(0);
                        var flags = FlagsArgument(args);
                        return new ActionStatement(run => run.Take(new SieveKeep(run.FlagList(flags) ?? [.. run.Flags])));
                    }

                case "fileinto":
                    {
                        Need(node, "fileinto");
                        var tags = Flagged(node).Concat(Optional(node, "copy", "copy")).Concat(Optional(node, "mailbox", "create")).ToArray();
                        var args = new Arguments(node, tags);
                        var mailbox = args.String(0, "the mailbox");
                        args.End(1);
                        var flags = FlagsArgument(args);
                        var copy = args.Has("copy");
                        var create = args.Has("create");
                        return new ActionStatement(run =>
                        {
                            run.Take(new SieveFileInto(run.Expand(mailbox), run.FlagList(flags) ?? [.. run.Flags], create));
                            run.ImplicitKeep &= copy;
                        });
                    }

                case "redirect":
                    {
                        if (!limits.CanSendMail)
                        {
                            throw new SieveScriptException("redirect needs a submission relay, and this server has none", node.Position);
                        }

                        var args = new Arguments(node, Optional(node, "copy", "copy"));
                        var address = args.String(0, "the address");
                        args.End(1);
                        // With variables the address is known only when the script runs; it is checked then.
                        var variable = requires.Contains("variables") && address.Contains("${", StringComparison.Ordinal);
                        if (!variable && RedirectAddress(address) is null)
                        {
                            throw new SieveScriptException($"\"{address}\" is not a mail address", node.Arguments[^1].Position);
                        }

                        var copy = args.Has("copy");
                        return new ActionStatement(run =>
                        {
                            var target = RedirectAddress(run.Expand(address)) ?? throw new SieveRuntimeException("redirect to something that is not a mail address");
                            run.Take(new SieveRedirect(target));
                            run.ImplicitKeep &= copy;
                        });
                    }

                case "reject" or "ereject":
                    {
                        Need(node, node.Name);
                        var args = new Arguments(node, []);
                        var reason = args.String(0, "the reason");
                        args.End(1);
                        var extended = node.Name == "ereject";
                        return new ActionStatement(run =>
                        {
                            run.Take(new SieveReject(run.Expand(reason), extended));
                            run.ImplicitKeep = false;
                        });
                    }

                case "vacation":
                    return Vacation(node);

                case "set":
                    return Set(node);

                case "addheader":
                    {
                        Need(node, "editheader");
                        var args = new Arguments(node, ["last"]);
                        var field = args.String(0, "the field name");
                        var value = args.String(1, "the value");
                        args.End(2);
                        CheckField(node, field);
                        var last = args.Has("last");
                        return new ActionStatement(run =>
                        {
                            var name = run.Expand(field);
                            var text = run.Expand(value);
                            if (IsField(name) && !ProtectedFields.Contains(name.ToLowerInvariant()) && !text.Any(c => char.IsControl(c) && c != '\t'))
                            {
                                run.Message.AddHeader(name, text, last);
                            }
                        });
                    }

                case "deleteheader":
                    {
                        Need(node, "editheader");
                        var args = new Arguments(node, ["comparator", .. MatchTags, .. IndexTags]);
                        var field = args.String(0, "the field name");
                        var patterns = args.Count > 1 ? args.Strings(1, "the value patterns") : null;
                        args.End(patterns is null ? 1 : 2);
                        CheckField(node, field);
                        var match = Match(node, args, patterns ?? []);
                        var index = Index(node, args);
                        return new ActionStatement(run =>
                        {
                            var name = run.Expand(field);
                            if (IsField(name) && !ProtectedFields.Contains(name.ToLowerInvariant()))
                            {
                                run.Message.DeleteHeaders(name, value => patterns is null || run.Test(match, [value], patterns), index);
                            }
                        });
                    }

                case "setflag" or "addflag" or "removeflag":
                    {
                        Need(node, "imap4flags");
                        var args = new Arguments(node, []);
                        var flags = args.Strings(0, "the flags");
                        args.End(1);
                        Action<SieveRun> act = node.Name switch
                        {
                            "setflag" => run => run.SetFlags(run.ExpandAll(flags)),
                            "addflag" => run => run.AddFlags(run.ExpandAll(flags)),
                            _ => run => run.RemoveFlags(run.ExpandAll(flags)),
                        };
                        return new ActionStatement(act);
                    }

                default:
                    throw new SieveScriptException($"unknown command \"{node.Name}\"", node.Position);
            }
        }

        /// <summary>
        /// RFC 6609 §3.2: include [:personal / :global] [:once] [:optional] "name". The included script is compiled
        /// here, with its own requires; this server has no global scripts, so a :global one is always missing.
        /// </summary>
        private IncludeStatement Include(SieveNode node)
        {
            Need(node, "include");
            var args = new Arguments(node, ["personal", "global", "once", "optional"]);
            var name = args.String(0, "the script's name");
            args.End(1);
            if (args.Has("personal") && args.Has("global"))
            {
                throw new SieveScriptException(":personal and :global exclude each other", node.Position);
            }

            if (name.Contains("${", StringComparison.Ordinal) || name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
            {
                throw new SieveScriptException($"\"{name}\" cannot be included: a script's name is constant text without \"/\"", node.Position);
            }

            var global = args.Has("global");
            if (!global && including.Contains(name, StringComparer.Ordinal))
            {
                throw new SieveScriptException($"including \"{name}\" again would loop ({string.Join(" → ", [.. including, name])})", node.Position);
            }

            if (including.Count >= MaxIncludeDepth)
            {
                throw new SieveScriptException($"includes nest more than {MaxIncludeDepth} deep", node.Position);
            }

            // Compiled once it compiled anywhere: its includes then hold no cycle, whichever chain reaches it.
            SieveScript? script = null;
            if (!global && !compiled.TryGetValue(name, out script) && personal?.Invoke(name) is { } source)
            {
                try
                {
                    script = compiled[name] = SieveScript.Compile(source, limits, personal, [.. including, name], compiled);
                }
                catch (SieveScriptException e)
                {
                    throw new SieveScriptException($"the included script \"{name}\" is not valid: {e.Message}", node.Position);
                }
            }

            return new IncludeStatement(script, (global ? ":global " : "") + name, args.Has("once"), args.Has("optional"));
        }

        /// <summary>RFC 5322 §3.6.8: a field name is 1 to 998 printable ASCII characters without a colon.</summary>
        private static bool IsField(string name) => name.Length is > 0 and <= 998 && name.All(c => c is > ' ' and <= '~' and not ':');

        private void CheckField(SieveNode node, string field)
        {
            if (!(requires.Contains("variables") && field.Contains("${", StringComparison.Ordinal)) && !IsField(field))
            {
                throw new SieveScriptException($"\"{field}\" is not a header field name", node.Position);
            }
        }

        /// <summary>The address part of a redirect's argument; null when it is not one.</summary>
        private static string? RedirectAddress(string address) =>
            MailboxAddress.TryParse(address, out var parsed) && !string.IsNullOrEmpty(parsed.Address) && parsed.Address.Contains('@', StringComparison.Ordinal) ? parsed.Address : null;

        /// <summary>RFC 5229 §4: set [:lower / :upper] [:lowerfirst / :upperfirst] [:quotewildcard] [:length] name value.</summary>
        private ActionStatement Set(SieveNode node)
        {
            Need(node, "variables");
            var args = new Arguments(node, [.. SieveVariables.Modifiers]);
            var name = args.String(0, "the variable's name");
            var value = args.String(1, "the value");
            args.End(2);
            if (!SieveVariables.IsName(name))
            {
                throw new SieveScriptException($"\"{name}\" is not a variable name", node.Position);
            }

            var modifiers = SieveVariables.Modifiers.Where(args.Has).ToList();
            if (modifiers.Contains("lower") && modifiers.Contains("upper") || modifiers.Contains("lowerfirst") && modifiers.Contains("upperfirst"))
            {
                throw new SieveScriptException("modifiers of the same precedence exclude each other", node.Position);
            }

            return new ActionStatement(run => run.SetVariable(name, SieveVariables.Modify(run.Expand(value), modifiers)));
        }

        /// <summary>RFC 5230 §4: vacation [:days n] [:subject s] [:from s] [:addresses list] [:mime] [:handle s] reason.</summary>
        private ActionStatement Vacation(SieveNode node)
        {
            Need(node, "vacation");
            var args = new Arguments(node, ["days", "subject", "from", "addresses", "mime", "handle"]);
            var reason = args.String(0, "the reason");
            args.End(1);
            var subject = args.Has("subject") ? args.TagText("subject") : null;
            var from = args.Has("from") ? args.TagText("from") : null;
            if (from is not null && !(requires.Contains("variables") && from.Contains("${", StringComparison.Ordinal)) && (!MailboxAddress.TryParse(from, out var parsed) || !parsed.Address.Contains('@', StringComparison.Ordinal)))
            {
                throw new SieveScriptException($":from \"{from}\" is not a mail address", node.Position);
            }

            var mime = args.Has("mime");
            if (mime)
            {
                try
                {
                    using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reason));
                    MimeEntity.Load(stream);
                }
                catch (FormatException)
                {
                    throw new SieveScriptException("with :mime the reason must be a MIME part", node.Position);
                }
            }

            // §4.1: days outside what the site allows are brought within it, not refused.
            var days = (int)Math.Clamp(args.Has("days") ? args.TagNumber("days") : 7, limits.MinVacationDays, limits.MaxVacationDays);
            var addresses = args.Has("addresses") ? args.TagStrings("addresses") : [];

            // §4.2: without :handle, the reply's own arguments say whether it is the same vacation.
            var handle = args.Has("handle")
                ? args.TagText("handle")
                : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{subject}\0{from}\0{mime}\0{reason}")))[..32];
            var vacation = new SieveVacation(reason, subject, from, addresses, mime, handle, days);
            if (!requires.Contains("variables"))
            {
                return new ActionStatement(run => run.Take(vacation));
            }

            return new ActionStatement(run => run.Take(vacation with
            {
                Reason = run.Expand(reason),
                Subject = subject is null ? null : run.Expand(subject),
                From = from is null ? null : run.Expand(from),
                Addresses = run.ExpandAll(addresses),
                Handle = run.Expand(handle),
            }));
        }

        private SieveTestNode Test(SieveNode node)
        {
            if (node.Block is not null)
            {
                throw new SieveScriptException($"\"{node.Name}\" is a test and takes no block", node.Position);
            }

            switch (node.Name)
            {
                case "true" or "false":
                    new Arguments(node, []).End(0);
                    NoTests(node);
                    return new ConstantTest(node.Name == "true");
                case "not":
                    new Arguments(node, []).End(0);
                    if (node.Tests.Count != 1)
                    {
                        throw new SieveScriptException("\"not\" takes one test", node.Position);
                    }

                    return new NotTest(Test(node.Tests[0]));
                case "allof" or "anyof":
                    new Arguments(node, []).End(0);
                    if (node.Tests.Count == 0)
                    {
                        throw new SieveScriptException($"\"{node.Name}\" takes a list of tests", node.Position);
                    }

                    return new CombinedTest([.. node.Tests.Select(Test)], node.Name == "allof");
            }

            NoTests(node);
            switch (node.Name)
            {
                case "exists":
                    {
                        var args = new Arguments(node, []);
                        var names = args.Strings(0, "the header names");
                        args.End(1);
                        return new ExistsTest(names);
                    }

                case "size":
                    {
                        var args = new Arguments(node, ["over", "under"]);
                        var limit = args.Number(0, "the size");
                        args.End(1);
                        if (args.Has("over") == args.Has("under"))
                        {
                            throw new SieveScriptException("\"size\" takes one of :over and :under", node.Position);
                        }

                        return new SizeTest(args.Has("over"), limit);
                    }

                case "header":
                    {
                        var args = new Arguments(node, ["comparator", .. MatchTags, .. IndexTags]);
                        var names = args.Strings(0, "the header names");
                        var keys = args.Strings(1, "the keys");
                        args.End(2);
                        return new HeaderTest(Match(node, args, keys), names, keys, Index(node, args));
                    }

                case "address" or "envelope":
                    {
                        var envelope = node.Name == "envelope";
                        if (envelope)
                        {
                            Need(node, "envelope");
                        }

                        var args = new Arguments(node, envelope ? ["comparator", .. MatchTags, .. AddressTags] : ["comparator", .. MatchTags, .. AddressTags, .. IndexTags]);
                        var names = args.Strings(0, envelope ? "the envelope parts" : "the header names").Select(n => n.ToLowerInvariant()).ToList();
                        var keys = args.Strings(1, "the keys");
                        args.End(2);
                        if (envelope && names.FirstOrDefault(n => n is not ("from" or "to")) is { } unknown)
                        {
                            throw new SieveScriptException($"unknown envelope part \"{unknown}\"", node.Position);
                        }

                        return new AddressTest(Match(node, args, keys), Part(node, args), names, keys, envelope, envelope ? null : Index(node, args));
                    }

                case "hasflag":
                    {
                        Need(node, "imap4flags");
                        var args = new Arguments(node, ["comparator", .. MatchTags]);
                        var keys = args.Strings(0, "the flags");
                        args.End(1);
                        return new HasFlagTest(Match(node, args, keys), keys);
                    }

                case "date" or "currentdate":
                    {
                        Need(node, "date");
                        var current = node.Name == "currentdate";
                        var args = new Arguments(node, current ? ["zone", "comparator", .. MatchTags] : ["zone", "originalzone", "comparator", .. MatchTags, .. IndexTags]);
                        var header = current ? null : args.String(0, "the header name");
                        var first = current ? 0 : 1;
                        var part = args.String(first, "the date part").ToLowerInvariant();
                        var keys = args.Strings(first + 1, "the keys");
                        args.End(first + 2);
                        if (!DateTest.Parts.Contains(part, StringComparer.Ordinal))
                        {
                            throw new SieveScriptException($"unknown date part \"{part}\"", node.Position);
                        }

                        if (args.Has("zone") && args.Has("originalzone"))
                        {
                            throw new SieveScriptException(":zone and :originalzone exclude each other", node.Position);
                        }

                        var zone = args.Has("zone") ? args.TagString("zone") : null;
                        if (zone is not null)
                        {
                            try
                            {
                                DateTest.ParseZone(zone);
                            }
                            catch (FormatException e)
                            {
                                throw new SieveScriptException(e.Message, node.Position);
                            }
                        }

                        return new DateTest(Match(node, args, keys), header, part, zone, args.Has("originalzone"), keys) { Index = current ? null : Index(node, args) };
                    }

                case "string":
                    {
                        Need(node, "variables");
                        var args = new Arguments(node, ["comparator", .. MatchTags]);
                        var sources = args.Strings(0, "the source strings");
                        var keys = args.Strings(1, "the keys");
                        args.End(2);
                        return new StringTest(Match(node, args, keys), sources, keys);
                    }

                case "duplicate":
                    {
                        Need(node, "duplicate");
                        var args = new Arguments(node, ["handle", "header", "uniqueid", "seconds", "last"]);
                        args.End(0);
                        if (args.Has("header") && args.Has("uniqueid"))
                        {
                            throw new SieveScriptException(":header and :uniqueid exclude each other", node.Position);
                        }

                        // RFC 7352 §3.2: the site sets a default and a most; a longer :seconds is brought down to it.
                        var seconds = Math.Clamp(args.Has("seconds") ? args.TagNumber("seconds") : limits.DuplicateDefaultSeconds, 0, limits.DuplicateMaxSeconds);
                        return new DuplicateTest(
                            args.Has("handle") ? args.TagText("handle") : "",
                            args.Has("header") ? args.TagText("header") : null,
                            args.Has("uniqueid") ? args.TagText("uniqueid") : null,
                            seconds,
                            args.Has("last"));
                    }

                case "body":
                    {
                        Need(node, "body");
                        var args = new Arguments(node, ["comparator", .. MatchTags, .. BodyTransformTags]);
                        var keys = args.Strings(0, "the keys");
                        args.End(1);
                        var transforms = BodyTransformTags.Where(args.Has).ToList();
                        if (transforms.Count > 1)
                        {
                            throw new SieveScriptException("only one of :raw, :content and :text may be given", node.Position);
                        }

                        var transform = transforms.Count == 0 ? BodyTransform.Text : transforms[0] switch
                        {
                            "raw" => BodyTransform.Raw,
                            "content" => BodyTransform.Content,
                            _ => BodyTransform.Text,
                        };
                        return new BodyTest(Match(node, args, keys), transform, transform == BodyTransform.Content ? args.TagStrings("content") : [], keys);
                    }

                case "mailboxexists":
                    {
                        Need(node, "mailbox");
                        var args = new Arguments(node, []);
                        var names = args.Strings(0, "the mailbox names");
                        args.End(1);
                        return new MailboxExistsTest(names);
                    }

                default:
                    throw new SieveScriptException($"unknown test \"{node.Name}\"", node.Position);
            }
        }

        /// <summary>RFC 5260 §6: ":index n" (from 1) with ":last" counting from the end; null when not given.</summary>
        private (int Index, bool FromLast)? Index(SieveNode node, Arguments args)
        {
            if (!args.Has("index"))
            {
                return args.Has("last") ? throw new SieveScriptException(":last needs :index", node.Position) : null;
            }

            Need(node, "index");
            var index = args.TagNumber("index");
            if (index is < 1 or > int.MaxValue)
            {
                throw new SieveScriptException(":index counts from 1", node.Position);
            }

            return ((int)index, args.Has("last"));
        }

        private SieveMatch Match(SieveNode node, Arguments args, IReadOnlyList<string> keys)
        {
            var match = Match(node, args);
            if (match.Type != SieveMatchType.Regex)
            {
                return match;
            }

            Need(node, "regex");
            if (match.Comparator == SieveComparator.AsciiNumeric)
            {
                throw new SieveScriptException("i;ascii-numeric cannot be used with :regex", node.Position);
            }

            // A non-backtracking engine: matching is linear in the value whatever the expression, so no key can make
            // a delivery slow; what it cannot run (backreferences, lookaround) is refused here, with the reason.
            var expressions = new Dictionary<string, System.Text.RegularExpressions.Regex>(StringComparer.Ordinal);
            foreach (var key in keys.Distinct())
            {
                if (requires.Contains("variables") && key.Contains("${", StringComparison.Ordinal))
                {
                    // Known only when the script runs: compiled then (SieveMatch.Test), under the same rules.
                    continue;
                }

                if (key.Length > MaxRegexLength)
                {
                    throw new SieveScriptException($"a regular expression is at most {MaxRegexLength} characters", node.Position);
                }

                try
                {
                    expressions[key] = SieveMatch.CreateRegex(key, match.Comparator);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    throw new SieveScriptException($"the regular expression \"{key}\" cannot be used: {e.Message}", node.Position);
                }
            }

            return match with { Expressions = expressions };
        }

        private SieveMatch Match(SieveNode node, Arguments args)
        {
            var types = MatchTags.Where(args.Has).ToList();
            if (types.Count > 1)
            {
                throw new SieveScriptException("only one match type may be given", node.Position);
            }

            var type = types.Count == 0 ? "is" : types[0];
            var relation = SieveRelation.Eq;
            if (type is "value" or "count")
            {
                Need(node, "relational");
                relation = args.TagString(type) switch
                {
                    "gt" => SieveRelation.Gt,
                    "ge" => SieveRelation.Ge,
                    "lt" => SieveRelation.Lt,
                    "le" => SieveRelation.Le,
                    "eq" => SieveRelation.Eq,
                    "ne" => SieveRelation.Ne,
                    var other => throw new SieveScriptException($"unknown relation \"{other}\"", node.Position),
                };
            }

            var comparator = (args.Has("comparator") ? args.TagString("comparator") : "i;ascii-casemap") switch
            {
                "i;ascii-casemap" => SieveComparator.AsciiCaseMap,
                "i;octet" => SieveComparator.Octet,
                "i;ascii-numeric" => Need(node, "comparator-i;ascii-numeric", SieveComparator.AsciiNumeric),
                var other => throw new SieveScriptException($"unknown comparator \"{other}\"", node.Position),
            };
            if (comparator == SieveComparator.AsciiNumeric && type is "contains" or "matches")
            {
                throw new SieveScriptException($"i;ascii-numeric cannot be used with :{type}", node.Position);
            }

            return new SieveMatch(comparator, type switch
            {
                "is" => SieveMatchType.Is,
                "contains" => SieveMatchType.Contains,
                "matches" => SieveMatchType.Matches,
                "value" => SieveMatchType.Value,
                "regex" => SieveMatchType.Regex,
                _ => SieveMatchType.Count,
            }, relation);
        }

        private AddressPart Part(SieveNode node, Arguments args)
        {
            var parts = AddressTags.Where(args.Has).ToList();
            if (parts.Count > 1)
            {
                throw new SieveScriptException("only one address part may be given", node.Position);
            }

            if (parts.Count == 1 && parts[0] is "user" or "detail")
            {
                Need(node, "subaddress");
            }

            return parts.Count == 0 ? AddressPart.All : parts[0] switch
            {
                "all" => AddressPart.All,
                "localpart" => AddressPart.LocalPart,
                "domain" => AddressPart.Domain,
                "user" => AddressPart.User,
                _ => AddressPart.Detail,
            };
        }

        private string[] Flagged(SieveNode node) => Optional(node, "imap4flags", "flags");

        /// <summary>The tag when its extension is required; else none, so using it is "unknown tag".</summary>
        private string[] Optional(SieveNode node, string extension, string tag) =>
            requires.Contains(extension) ? [tag] : node.Arguments.OfType<SieveTag>().Any(t => t.Name == tag)
                ? throw new SieveScriptException($":{tag} needs require \"{extension}\"", node.Position)
                : [];

        private static IReadOnlyList<string>? FlagsArgument(Arguments args) =>
            args.Has("flags") ? [.. SieveRun.Split(args.TagStrings("flags"))] : null;

        private void Need(SieveNode node, string extension)
        {
            if (!requires.Contains(extension))
            {
                throw new SieveScriptException($"\"{node.Name}\" needs require \"{extension}\"", node.Position);
            }
        }

        private T Need<T>(SieveNode node, string extension, T value)
        {
            Need(node, extension);
            return value;
        }

        private static void NoTests(SieveNode node)
        {
            if (node.Tests.Count > 0)
            {
                throw new SieveScriptException($"\"{node.Name}\" takes no test", node.Position);
            }
        }

        private static void NoTestsOrBlock(SieveNode node)
        {
            NoTests(node);
            if (node.Block is not null)
            {
                throw new SieveScriptException($"\"{node.Name}\" takes no block", node.Position);
            }
        }
    }
}
