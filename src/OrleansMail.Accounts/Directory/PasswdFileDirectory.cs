using Microsoft.Extensions.Logging;
using OrleansMail.Accounts.Passwords;
using OrleansMail.Mail;

namespace OrleansMail.Accounts.Directory;

/// <summary>
/// A Dovecot passwd-file ("user:{SCHEME}password:uid:gid:gecos:home:shell:extra"), re-read when it changes. User
/// names are matched case-insensitively; the canonical id is the name in lower case. "user@domain" entries and
/// plain "user" entries both work; addresses in a configured (or, with none configured, any) domain fall back
/// to the plain name.
/// </summary>
public sealed class PasswdFileDirectory : IUserDirectory
{
    private readonly string _path;
    private readonly AccountsOptions _options;
    private readonly ILogger<PasswdFileDirectory> _log;
    private readonly QuotaLimits _defaultQuota;
    private readonly Lock _gate = new();
    private Dictionary<string, UserEntry> _users = new(StringComparer.Ordinal);
    private string _timingEqualiser = "{PLAIN}";
    private (DateTime Written, long Length) _loaded = (DateTime.MinValue, -1);

    public PasswdFileDirectory(AccountsOptions options, ILogger<PasswdFileDirectory> log)
    {
        _options = options;

        // Checked at start (an unreadable rule stops it), so a failure here only reaches tools: no default quota.
        _defaultQuota = QuotaLimits.TryParse(options.QuotaRules, out var configured, out _) ? configured : QuotaLimits.None;
        _path = options.PasswdFile;
        _log = log;
    }

    public string PasswdFile => _path;

    public int Count
    {
        get
        {
            Refresh();
            return _users.Count;
        }
    }

    public UserEntry? FindLogin(string login) => Lookup(Normalize(login, out _));

    public ResolvedRecipient? ResolveRecipient(string address)
    {
        var key = Normalize(address, out var detail);
        var entry = Lookup(key);
        return entry is null ? null : new ResolvedRecipient(entry.UserId, detail, entry.Quota);
    }

    public UserEntry? Authenticate(string login, string password)
    {
        var entry = FindLogin(login);
        if (entry is null)
        {
            // An unknown user costs one check against a real hash of the file's most common scheme and cost, so
            // the answer's timing does not tell which logins exist; its result is thrown away.
            PasswordSchemes.Verify(password, _timingEqualiser);
            return null;
        }

        return PasswordSchemes.Verify(password, entry.PasswordHash) ? entry : null;
    }

    /// <summary>Lower case, "+detail" cut off the local part; a domain outside the configured ones is kept (and then found only as a full entry).</summary>
    private string Normalize(string input, out string? detail)
    {
        detail = null;
        var text = input.Trim().Trim('<', '>');
        var at = text.LastIndexOf('@');
        var local = at < 0 ? text : text[..at];
        var domain = at < 0 ? null : text[(at + 1)..].ToLowerInvariant();
        var delimiter = _options.RecipientDelimiter;
        if (!string.IsNullOrEmpty(delimiter))
        {
            var cut = local.IndexOf(delimiter, StringComparison.Ordinal);
            if (cut > 0)
            {
                // The detail keeps its case: it may name a folder, and folder names are case-sensitive.
                detail = local[(cut + delimiter.Length)..];
                local = local[..cut];
            }
        }

        local = local.ToLowerInvariant();
        return domain is null ? local : local + "@" + domain;
    }

    private UserEntry? Lookup(string key)
    {
        Refresh();
        var users = _users;
        if (users.TryGetValue(key, out var exact))
        {
            return exact;
        }

        var at = key.LastIndexOf('@');
        if (at < 0)
        {
            return null;
        }

        var domain = key[(at + 1)..];
        var local = _options.Domains.Count == 0 || _options.Domains.Any(d => string.Equals(d, domain, StringComparison.OrdinalIgnoreCase));
        return local && users.TryGetValue(key[..at], out var plain) ? plain : null;
    }

    private void Refresh()
    {
        FileInfo info;
        try
        {
            info = new FileInfo(_path);
            if (!info.Exists)
            {
                return;
            }
        }
        catch (IOException)
        {
            return;
        }

        var stamp = (info.LastWriteTimeUtc, info.Length);
        if (stamp == _loaded)
        {
            return;
        }

        lock (_gate)
        {
            if (stamp == _loaded)
            {
                return;
            }

            try
            {
                (_users, _timingEqualiser) = Parse(File.ReadAllLines(_path));
                _loaded = stamp;
                AccountsLog.LoadedUsers(_log, _users.Count, _path);
            }
            catch (IOException e)
            {
                AccountsLog.PasswdFileUnreadable(_log, e, _path);
            }
        }
    }

    private (Dictionary<string, UserEntry> Users, string TimingEqualiser) Parse(string[] lines)
    {
        var users = new Dictionary<string, UserEntry>(StringComparer.Ordinal);
        var signatures = new Dictionary<string, (int Count, string Hash)>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split(':');
            var name = fields[0].Trim().ToLowerInvariant();
            if (name.Length == 0)
            {
                AccountsLog.PasswdLineWithoutUser(_log, _path, i + 1);
                continue;
            }

            var hash = fields.Length > 1 ? fields[1] : "";
            if (PasswordSchemes.ExcessiveCost(hash, _options.PasswordChecks) is { } excess)
            {
                // The user still receives mail; only password logins are refused until the hash is replaced.
                AccountsLog.PasswordHashRefused(_log, _path, i + 1, name, excess);
                hash = RefusedHash;
            }
            else if (!PasswordSchemes.IsPlaintext(hash))
            {
                // Plaintext entries cost nothing either way; the hashed ones are what timing could tell apart.
                var signature = PasswordSchemes.CostSignature(hash);
                signatures[signature] = (signatures.GetValueOrDefault(signature).Count + 1, hash);
            }

            users[name] = new UserEntry(name, hash, QuotaOf(fields, name, i + 1));
        }

        var equaliser = signatures.Count == 0 ? "{PLAIN}" : signatures.Values.MaxBy(s => s.Count).Hash;
        return (users, equaliser);
    }

    /// <summary>
    /// The line's quota: its extra field's <c>userdb_quota_rule</c>, <c>userdb_quota_rule2</c>… (as Dovecot's
    /// passwd-file writes them; the <c>userdb_</c> prefix may be left off), else the configured default rules. A rule
    /// that cannot be read is logged and the line gets the default, not an unlimited quota.
    /// </summary>
    private QuotaLimits? QuotaOf(string[] fields, string name, int lineNumber)
    {
        var fallback = _defaultQuota;
        var extra = fields.Length > 7 ? string.Join(':', fields[7..]) : "";
        var rules = extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.StartsWith("userdb_", StringComparison.OrdinalIgnoreCase) ? f[7..] : f)
            .Where(f => f.StartsWith("quota_rule", StringComparison.OrdinalIgnoreCase) && f.Contains('=', StringComparison.Ordinal))
            .OrderBy(RuleNumber) // quota_rule, quota_rule2, … quota_rule10: a later rule wins
            .Select(f => f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..])
            .ToList();
        if (rules.Count == 0)
        {
            return fallback.IsLimited ? fallback : null;
        }

        if (!QuotaLimits.TryParse(rules, out var own, out var error))
        {
            AccountsLog.QuotaRuleRefused(_log, _path, lineNumber, name, error);
            return fallback.IsLimited ? fallback : null;
        }

        // As Dovecot's userdb quota_rule: the line's rules replace the defaults ("*:none" lifts them).
        return own.IsLimited ? own : null;

        static int RuleNumber(string field)
        {
            var digits = field["quota_rule".Length..field.IndexOf('=', StringComparison.Ordinal)];
            return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
        }
    }

    /// <summary>Matches no password, at no cost.</summary>
    private const string RefusedHash = "{REFUSED}";

    /// <summary>Appends or replaces a user's line, keeping every other line (and comment) as it was.</summary>
    public static void Upsert(string path, string user, string passwordHash)
    {
        var name = user.Trim().ToLowerInvariant();
        var line = $"{name}:{passwordHash}::::::";
        PasswdFileWriter.Rewrite(path, lines =>
        {
            var index = lines.FindIndex(l => IsLineOf(l, name));
            if (index >= 0)
            {
                // A new password keeps the rest of the line (uid, home, the extra field with its quota rules).
                var fields = lines[index].Split(':');
                lines[index] = fields.Length > 2 ? $"{name}:{passwordHash}:{string.Join(':', fields[2..])}" : line;
            }
            else
            {
                lines.Add(line);
            }

            return true;
        });
    }

    /// <summary>
    /// Sets a user's quota rules in its line's extra field (<c>userdb_quota_rule</c>, <c>userdb_quota_rule2</c>, …,
    /// as Dovecot reads them), keeping every other field; no rules removes them. False when there is no such user.
    /// </summary>
    public static bool SetQuotaRules(string path, string user, IReadOnlyList<string> rules)
    {
        var found = false;
        PasswdFileWriter.Rewrite(path, lines =>
        {
            var index = lines.FindIndex(l => IsLineOf(l, user));
            if (index < 0)
            {
                return false;
            }

            found = true;
            var fields = lines[index].Split(':').ToList();
            while (fields.Count < 8)
            {
                fields.Add("");
            }

            var extra = string.Join(':', fields[7..]).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(f => !f.StartsWith("userdb_quota_rule", StringComparison.OrdinalIgnoreCase) && !f.StartsWith("quota_rule", StringComparison.OrdinalIgnoreCase))
                .Concat(rules.Select((r, i) => $"userdb_quota_rule{(i == 0 ? "" : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))}={r}"));
            lines[index] = string.Join(':', fields[..7]) + ":" + string.Join(' ', extra);
            return true;
        });
        return found;
    }

    /// <summary>Removes a user's line; false when there was none.</summary>
    public static bool Remove(string path, string user)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        var removed = 0;
        PasswdFileWriter.Rewrite(path, lines =>
        {
            removed = lines.RemoveAll(l => IsLineOf(l, user));
            return removed > 0;
        });
        return removed > 0;
    }

    /// <summary>Whether a line (not a comment) is the entry of <paramref name="user"/>, names compared case-insensitively.</summary>
    private static bool IsLineOf(string line, string user) =>
        !line.TrimStart().StartsWith('#') && line.Split(':')[0].Trim().Equals(user.Trim(), StringComparison.OrdinalIgnoreCase);
}
