using System.Buffers.Binary;
using System.Text;
using OrleansMail.Errors;
using OrleansMail.Grains.Contracts;
using OrleansMail.Index.Journal;
using OrleansMail.Index.Model;
using OrleansMail.Sieve;

namespace OrleansMail.Grains;

/// <summary>
/// The user's Sieve scripts (RFC 5228, managed as RFC 5804 describes), kept among the user's internal attributes in
/// the index: they are small, every delivery needs the active one in one call, and the index already gives them a
/// journal, checkpoints, failover and the merge's later-change-wins rule.
/// </summary>
public sealed partial class UserGrain
{
    private const string SieveScriptPrefix = "sieve/script/";
    private const string ActiveSieveEntry = "sieve/active";

    /// <summary>Scripts one user may keep.</summary>
    private const int MaxSieveScripts = 32;

    private const int MaxSieveNameLength = 128;

    private const string VacationPrefix = "sieve/vacation/";

    private const string DuplicatePrefix = "sieve/duplicate/";

    /// <summary>Messages the duplicate test remembers per user; past it the oldest are forgotten.</summary>
    private const int MaxDuplicateEntries = 500;

    /// <summary>Vacation replies remembered per user; past it the oldest are forgotten (and may be answered again).</summary>
    private const int MaxVacationEntries = 200;

    /// <summary>
    /// What a stored script may use: without a submission relay, redirect and vacation are refused when a script is
    /// stored, not when a message arrives.
    /// </summary>
    private SieveLimits SieveRules => _sieveRules ??= new SieveLimits { CanSendMail = _options.SieveCanSendMail, AllowEditHeader = _options.SieveEditHeader };

    private SieveLimits? _sieveRules;

    /// <summary>The script entries (by reference) the cached bundle was made from, and the bundle.</summary>
    private (object[] Entries, ActiveSieveScript? Bundle)? _sieveBundle;

    public Task<SieveScriptInfo[]> ListSieveScriptsAsync()
    {
        var active = ActiveSieveName();
        return Task.FromResult<SieveScriptInfo[]>([.. SieveScriptNames().Select(n => new SieveScriptInfo(n, n == active))]);
    }

    public Task<string> GetSieveScriptAsync(string name) =>
        Task.FromResult(SieveSource(name) ?? throw MailStoreException.NotFound($"No script called \"{name}\""));

    public async Task PutSieveScriptAsync(string name, string source)
    {
        CheckSieveSpace(name, Encoding.UTF8.GetByteCount(source));
        CompileSieve(source, name);
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([SieveEntry(SieveScriptPrefix + name, Encoding.UTF8.GetBytes(source))]).ConfigureAwait(true);
    }

    public Task CheckSieveSpaceAsync(string name, long size)
    {
        CheckSieveSpace(name, size);
        return Task.CompletedTask;
    }

    public Task CheckSieveScriptAsync(string source)
    {
        if (Encoding.UTF8.GetByteCount(source) > SieveRules.MaxScriptBytes)
        {
            throw MailStoreException.OverQuota($"A script is at most {SieveRules.MaxScriptBytes} bytes");
        }

        CompileSieve(source);
        return Task.CompletedTask;
    }

    public async Task RenameSieveScriptAsync(string oldName, string newName)
    {
        var source = SieveSource(oldName) ?? throw MailStoreException.NotFound($"No script called \"{oldName}\"");
        CheckSieveName(newName);
        if (SieveSource(newName) is not null)
        {
            throw MailStoreException.AlreadyExists($"A script called \"{newName}\" exists");
        }

        if (oldName == newName)
        {
            return;
        }

        // One commit: a crash or a merge never sees the script under both names, or the active mark on neither.
        List<MetadataChanged> changes =
        [
            SieveEntry(SieveScriptPrefix + newName, Encoding.UTF8.GetBytes(source)),
            SieveEntry(SieveScriptPrefix + oldName, null),
        ];
        if (ActiveSieveName() == oldName)
        {
            changes.Add(SieveEntry(ActiveSieveEntry, Encoding.UTF8.GetBytes(newName)));
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([.. changes]).ConfigureAwait(true);
    }

    public async Task SetActiveSieveScriptAsync(string? name)
    {
        if (name is not null && SieveSource(name) is null)
        {
            throw MailStoreException.NotFound($"No script called \"{name}\"");
        }

        if (name == ActiveSieveName())
        {
            return;
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([SieveEntry(ActiveSieveEntry, name is null ? null : Encoding.UTF8.GetBytes(name))]).ConfigureAwait(true);
    }

    public async Task DeleteSieveScriptAsync(string name)
    {
        if (SieveSource(name) is null)
        {
            throw MailStoreException.NotFound($"No script called \"{name}\"");
        }

        if (name == ActiveSieveName())
        {
            throw MailStoreException.InUse("The active script cannot be deleted; deactivate it first");
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([SieveEntry(SieveScriptPrefix + name, null)]).ConfigureAwait(true);
    }

    public Task<ActiveSieveScript?> GetActiveSieveScriptAsync(string? knownVersion = null)
    {
        // Every delivery asks: the bundle and its version are worked out again only when a script entry changed
        // (any write, journal replay or merge stores new value arrays, so comparing them by reference suffices).
        var entries = _index.MetadataOf(Guid.Empty)
            .Where(kv => kv.Key.Entry == ActiveSieveEntry || kv.Key.Entry.StartsWith(SieveScriptPrefix, StringComparison.Ordinal))
            .Select(kv => (object)kv.Value.Value)
            .ToArray();
        if (_sieveBundle is not { } cached || !cached.Entries.SequenceEqual(entries, ReferenceEqualityComparer.Instance))
        {
            cached = (entries, SieveBundle());
            _sieveBundle = cached;
        }

        return Task.FromResult(cached.Bundle is { } bundle && bundle.Version == knownVersion
            ? new ActiveSieveScript(bundle.Name, "", bundle.Version, Unchanged: true)
            : cached.Bundle);
    }

    /// <summary>The active script with the others it may include, and a version over all of them; null when none is active.</summary>
    private ActiveSieveScript? SieveBundle()
    {
        if (ActiveSieveName() is not { } name || SieveSource(name) is not { } source)
        {
            return null;
        }

        // Only a script that may include others brings them along; the version covers whatever is sent.
        var includes = source.Contains("include", StringComparison.Ordinal)
            ? SieveScriptNames().Where(n => n != name).ToDictionary(n => n, n => SieveSource(n)!, StringComparer.Ordinal)
            : null;
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var part in new[] { name, source }.Concat(includes?.OrderBy(i => i.Key, StringComparer.Ordinal).SelectMany(i => new[] { i.Key, i.Value }) ?? []))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(part));
            hash.AppendData([0]);
        }

        return new ActiveSieveScript(name, source, Convert.ToHexString(hash.GetHashAndReset()), includes);
    }

    public Task<bool> HasAutoRepliedAsync(string key, TimeSpan period)
    {
        CheckTrackingKey(key);
        var replied = _index.Metadata.GetValueOrDefault(new MetadataKey(Guid.Empty, VacationPrefix + key)) is { } v && v.Value.Length == 8
            && _time.GetUtcNow().ToUnixTimeMilliseconds() - BinaryPrimitives.ReadInt64BigEndian(v.Value) < (long)period.TotalMilliseconds;
        return Task.FromResult(replied);
    }

    public async Task RecordAutoReplyAsync(string key)
    {
        CheckTrackingKey(key);
        await StampAsync(VacationPrefix, [], [key], (long)TimeSpan.FromDays(SieveRules.MaxVacationDays).TotalMilliseconds, MaxVacationEntries).ConfigureAwait(true);
    }

    public Task<Dictionary<string, long>> GetDuplicateTrackingAsync() =>
        Task.FromResult(_index.MetadataOf(Guid.Empty)
            .Where(kv => kv.Key.Entry.StartsWith(DuplicatePrefix, StringComparison.Ordinal) && kv.Value.Value.Length == 8)
            .ToDictionary(kv => kv.Key.Entry[DuplicatePrefix.Length..], kv => BinaryPrimitives.ReadInt64BigEndian(kv.Value.Value) / 1000, StringComparer.Ordinal));

    public async Task RecordDuplicatesAsync(string[] firstKeys, string[] lastKeys)
    {
        foreach (var key in firstKeys.Concat(lastKeys))
        {
            CheckTrackingKey(key);
        }

        // The first sighting stands while it is remembered; :last moves it to now (RFC 7352 §3.3).
        await StampAsync(DuplicatePrefix, firstKeys, lastKeys, SieveRules.DuplicateMaxSeconds * 1000, MaxDuplicateEntries).ConfigureAwait(true);
    }

    /// <summary>
    /// Sets entries of a table of times (vacation replies, duplicate sightings) to now: <paramref name="first"/> only
    /// where there is none, <paramref name="last"/> always. The same commit forgets what is older than
    /// <paramref name="maxAgeMs"/>, which nothing can ask about any more, and past <paramref name="cap"/> the
    /// oldest: the table stays small for good.
    /// </summary>
    private async Task StampAsync(string prefix, IReadOnlyCollection<string> first, IReadOnlyCollection<string> last, long maxAgeMs, int cap)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var value = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(value, now);
        var changes = new List<MetadataChanged>();
        var kept = new List<(string Key, long At)>();
        foreach (var (k, v) in _index.MetadataOf(Guid.Empty))
        {
            if (!k.Entry.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var at = v.Value.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(v.Value) : 0;
            if (now - at > maxAgeMs)
            {
                changes.Add(SieveEntry(k.Entry, null));
            }
            else
            {
                kept.Add((k.Entry[prefix.Length..], at));
            }
        }

        var present = kept.Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        var stamped = first.Where(k => !present.Contains(k)).Concat(last).ToHashSet(StringComparer.Ordinal);
        if (stamped.Count == 0 && changes.Count == 0)
        {
            return;
        }

        changes.AddRange(stamped.Select(k => SieveEntry(prefix + k, value)));
        var adding = stamped.Count(k => !present.Contains(k));
        changes.AddRange(kept.Where(k => !stamped.Contains(k.Key)).OrderBy(k => k.At).Take(Math.Max(0, kept.Count + adding - cap)).Select(k => SieveEntry(prefix + k.Key, null)));
        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([.. changes]).ConfigureAwait(true);
    }

    private static void CheckTrackingKey(string key)
    {
        if (key.Length is 0 or > 64 || !key.All(char.IsAsciiHexDigit))
        {
            throw MailStoreException.Invalid("A tracking key is a hexadecimal digest");
        }
    }

    private MetadataChanged SieveEntry(string name, byte[]? value) =>
        new(_time.GetUtcNow().ToUnixTimeMilliseconds(), Guid.Empty, name, value);

    private string? ActiveSieveName() =>
        _index.Metadata.GetValueOrDefault(new MetadataKey(Guid.Empty, ActiveSieveEntry)) is { } v ? Encoding.UTF8.GetString(v.Value) : null;

    private string? SieveSource(string name) =>
        _index.Metadata.GetValueOrDefault(new MetadataKey(Guid.Empty, SieveScriptPrefix + name)) is { } v ? Encoding.UTF8.GetString(v.Value) : null;

    private IEnumerable<string> SieveScriptNames() =>
        _index.MetadataOf(Guid.Empty).Select(kv => kv.Key.Entry).Where(e => e.StartsWith(SieveScriptPrefix, StringComparison.Ordinal)).Select(e => e[SieveScriptPrefix.Length..]);

    /// <summary>RFC 5804 §2.3: the name is checked first, then the size, then the count.</summary>
    private void CheckSieveSpace(string name, long size)
    {
        CheckSieveName(name);
        if (size > SieveRules.MaxScriptBytes)
        {
            throw MailStoreException.OverQuota($"A script is at most {SieveRules.MaxScriptBytes} bytes");
        }

        if (SieveSource(name) is null && SieveScriptNames().Count() >= MaxSieveScripts)
        {
            throw MailStoreException.LimitReached($"At most {MaxSieveScripts} scripts per user");
        }
    }

    /// <summary>Compiles as a delivery would, the user's other scripts at hand for include; as <paramref name="name"/> when it is stored under one.</summary>
    private void CompileSieve(string source, string? name = null)
    {
        try
        {
            SieveScript.Compile(source, SieveRules, n => n == name ? source : SieveSource(n), name);
        }
        catch (SieveScriptException e)
        {
            throw MailStoreException.Invalid(e.Message);
        }
    }

    /// <summary>RFC 5804 §1.6: no control characters (C0, DEL, C1) and no line or paragraph separator; "/" is refused too.</summary>
    private static void CheckSieveName(string name)
    {
        if (name.Length is 0 or > MaxSieveNameLength || name.Any(c => char.IsControl(c) || c is '/' or '\u2028' or '\u2029'))
        {
            throw MailStoreException.Invalid($"A script name is 1 to {MaxSieveNameLength} characters, without controls, line separators or \"/\"");
        }
    }
}
