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

    /// <summary>
    /// What a stored script may use. No submission relay is configured yet, so redirect (and with it every action
    /// that sends mail) is refused when a script is stored, not when a message arrives.
    /// </summary>
    private static readonly SieveLimits SieveRules = new() { AllowRedirect = false };

    public Task<SieveScriptInfo[]> ListSieveScriptsAsync()
    {
        var active = ActiveSieveName();
        return Task.FromResult<SieveScriptInfo[]>([.. SieveScriptNames().Select(n => new SieveScriptInfo(n, n == active))]);
    }

    public Task<string> GetSieveScriptAsync(string name) =>
        Task.FromResult(SieveSource(name) ?? throw MailStoreException.NotFound($"No script called \"{name}\""));

    public async Task PutSieveScriptAsync(string name, string source)
    {
        CheckSieveName(name);
        try
        {
            SieveScript.Compile(source, SieveRules);
        }
        catch (SieveScriptException e)
        {
            throw MailStoreException.Invalid(e.Message);
        }

        if (SieveSource(name) is null && SieveScriptNames().Count() >= MaxSieveScripts)
        {
            throw MailStoreException.LimitReached($"At most {MaxSieveScripts} scripts per user");
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([SieveEntry(SieveScriptPrefix + name, Encoding.UTF8.GetBytes(source))]).ConfigureAwait(true);
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
            throw MailStoreException.Invalid("The active script cannot be deleted; deactivate it first");
        }

        await _lease.EnsureWritableAsync().ConfigureAwait(true);
        await CommitAsync([SieveEntry(SieveScriptPrefix + name, null)]).ConfigureAwait(true);
    }

    public Task<ActiveSieveScript?> GetActiveSieveScriptAsync() =>
        Task.FromResult(ActiveSieveName() is { } name && SieveSource(name) is { } source ? new ActiveSieveScript(name, source) : null);

    private MetadataChanged SieveEntry(string name, byte[]? value) =>
        new(_time.GetUtcNow().ToUnixTimeMilliseconds(), Guid.Empty, name, value);

    private string? ActiveSieveName() =>
        _index.Metadata.GetValueOrDefault(new MetadataKey(Guid.Empty, ActiveSieveEntry)) is { } v ? Encoding.UTF8.GetString(v.Value) : null;

    private string? SieveSource(string name) =>
        _index.Metadata.GetValueOrDefault(new MetadataKey(Guid.Empty, SieveScriptPrefix + name)) is { } v ? Encoding.UTF8.GetString(v.Value) : null;

    private IEnumerable<string> SieveScriptNames() =>
        _index.MetadataOf(Guid.Empty).Select(kv => kv.Key.Entry).Where(e => e.StartsWith(SieveScriptPrefix, StringComparison.Ordinal)).Select(e => e[SieveScriptPrefix.Length..]);

    private static void CheckSieveName(string name)
    {
        if (name.Length is 0 or > MaxSieveNameLength || name.Any(c => char.IsControl(c) || c == '/'))
        {
            throw MailStoreException.Invalid($"A script name is 1 to {MaxSieveNameLength} characters, without controls or \"/\"");
        }
    }
}
