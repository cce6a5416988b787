using Microsoft.Extensions.Logging.Abstractions;
using OrleansMail.Accounts.Directory;
using OrleansMail.Mail;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Accounts.Tests;

/// <summary>Quota rules as Dovecot writes them, in the configuration and on a passwd-file line.</summary>
public sealed class QuotaRuleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_mailbox_count_rule_limits_mailboxes_and_reads_back_from_its_rules()
    {
        Assert.True(QuotaLimits.TryParse(["*:mailboxes=20", "*:messages=5"], out var limits, out var error), error);
        Assert.Equal(new QuotaLimits(null, 5, 20), limits);
        Assert.True(QuotaLimits.TryParse(limits.ToRules(), out var reread, out _));
        Assert.Equal(limits, reread);
        Assert.False(QuotaLimits.TryParse(["*:mailboxes=many"], out _, out _));
    }

    [Theory]
    [InlineData("*:storage=1G", 1L << 30, null)]
    [InlineData("*:storage=100", 100 * 1024L, null)] // storage is in KiB unless suffixed
    [InlineData("*:storage=512k", 512 * 1024L, null)]
    [InlineData("*:bytes=1000", 1000L, null)]
    [InlineData("*:bytes=2M", 2L << 20, null)]
    [InlineData("*:messages=250", null, 250L)]
    [InlineData("*:storage=10M:messages=5", 10L << 20, 5L)]
    [InlineData("storage=1T", 1L << 40, null)]
    [InlineData("*:storage=0", null, null)]
    [InlineData("*:none", null, null)]
    public void A_rule_sets_the_limits_it_names(string rule, long? storage, long? messages)
    {
        Assert.True(QuotaLimits.TryParse([rule], out var limits, out var error), error);
        Assert.Equal(new QuotaLimits(storage, messages), limits);
        Assert.True(QuotaLimits.TryParse(limits.ToRules(), out var reread, out _));
        Assert.Equal(limits, reread);
    }

    [Theory]
    [InlineData("Trash:storage=+100M")]
    [InlineData("*:storage=lots")]
    [InlineData("*:storage=")]
    [InlineData("*:inodes=5")]
    [InlineData("*:storage=99999999999999999999")]
    [InlineData("*:storage=9999999999999999T")]
    [InlineData("*:messages=-1")]
    public void A_rule_that_cannot_be_read_is_refused_with_a_reason(string rule)
    {
        Assert.False(QuotaLimits.TryParse([rule], out _, out var error));
        Assert.Contains(rule.Split(':')[^1].Split('=')[0], error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_later_rule_wins_and_a_usage_is_admitted_up_to_the_limit_inclusive()
    {
        Assert.True(QuotaLimits.TryParse(["*:storage=1M", "*:messages=3", "*:storage=2M"], out var limits, out _));
        Assert.Equal(new QuotaLimits(2L << 20, 3), limits);
        Assert.True(limits.Admits(2, 0, 1, 2L << 20));
        Assert.False(limits.Admits(3, 0, 1, 0));
        Assert.False(limits.Admits(0, (2L << 20) - 10, 1, 11));
    }

    [Fact]
    public void A_passwd_line_s_rules_replace_the_default_and_an_unreadable_one_falls_back_to_it()
    {
        var path = Path.Combine(_folder.Path, "users.passwd");
        File.WriteAllLines(path,
        [
            "plain:{PLAIN}x::::::",
            "own:{PLAIN}x::::::userdb_quota_rule=*:storage=2G userdb_quota_rule2=*:messages=100 userdb_mail=/ignored",
            "bare:{PLAIN}x::::::quota_rule=*:messages=7",
            "lifted:{PLAIN}x::::::userdb_quota_rule=*:none",
            "broken:{PLAIN}x::::::userdb_quota_rule=Trash:storage=+1M",
        ]);
        var directory = new PasswdFileDirectory(new AccountsOptions { PasswdFile = path, QuotaRules = ["*:storage=1G"] }, NullLogger<PasswdFileDirectory>.Instance);

        Assert.Equal(new QuotaLimits(1L << 30), directory.FindLogin("plain")!.Quota);
        Assert.Equal(new QuotaLimits(2L << 30, 100), directory.FindLogin("own")!.Quota);
        Assert.Equal(new QuotaLimits(null, 7), directory.FindLogin("bare")!.Quota);
        Assert.Null(directory.FindLogin("lifted")!.Quota);
        Assert.Equal(new QuotaLimits(1L << 30), directory.FindLogin("broken")!.Quota);
        Assert.Equal(new QuotaLimits(2L << 30, 100), directory.ResolveRecipient("own@example.org")!.Quota);
    }

    [Fact]
    public void Numbered_rules_apply_in_their_numbers_order_not_their_spelling()
    {
        var path = Path.Combine(_folder.Path, "numbered.passwd");
        File.WriteAllLines(path, ["ten:{PLAIN}x::::::userdb_quota_rule10=*:storage=3G userdb_quota_rule2=*:storage=2G userdb_quota_rule=*:storage=1G"]);
        var directory = new PasswdFileDirectory(new AccountsOptions { PasswdFile = path }, NullLogger<PasswdFileDirectory>.Instance);

        Assert.Equal(new QuotaLimits(3L << 30), directory.FindLogin("ten")!.Quota);
    }
}
