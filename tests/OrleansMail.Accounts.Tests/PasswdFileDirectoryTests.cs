using Microsoft.Extensions.Logging.Abstractions;
using OrleansMail.Accounts.Directory;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.Accounts.Tests;

/// <summary>The Dovecot-format passwd-file and the one mapping of logins and addresses to user ids.</summary>
public sealed class PasswdFileDirectoryTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _path;

    public PasswdFileDirectoryTests()
    {
        _path = Path.Combine(_folder.Path, "users.passwd");
        File.WriteAllLines(_path,
        [
            "# comment",
            "Alice:{PLAIN}secret:1000:1000::/home/alice::",
            "bob@other.example:{PLAIN}pw2::::::userdb_quota_rule=*:storage=1G",
            "",
            "carol:{SHA512-CRYPT}$6$5.di0WOkUBmzUa6h$FfaycCrkECq5ZkXMGBqPrlN0YC1qyp/teJUwZI.lfvdn7ILAyzlUr8TaqSMwJxyeZ9dPC4qQmRrqyJu3eSFky1",
        ]);
    }

    private PasswdFileDirectory Directory(params string[] domains) =>
        new(new AccountsOptions { PasswdFile = _path, Domains = [.. domains] }, NullLogger<PasswdFileDirectory>.Instance);

    [Fact]
    public void Every_spelling_of_one_user_maps_to_one_canonical_id()
    {
        var dir = Directory("example.org");
        foreach (var spelling in new[] { "alice", "ALICE", "Alice@Example.org", "<alice@example.org>", "alice+lists@example.org" })
        {
            Assert.Equal("alice", dir.ResolveRecipient(spelling)?.UserId);
        }

        Assert.Equal("lists", dir.ResolveRecipient("alice+lists@example.org")!.Detail);
        Assert.Equal("Lists/Dev", dir.ResolveRecipient("ALICE+Lists/Dev@EXAMPLE.org")!.Detail);
        Assert.Null(dir.ResolveRecipient("alice@elsewhere.example"));
        Assert.Null(dir.ResolveRecipient("nobody@example.org"));
        Assert.Equal("bob@other.example", dir.ResolveRecipient("Bob+x@Other.Example")!.UserId);
    }

    [Fact]
    public void With_no_domains_configured_any_domain_is_local()
    {
        Assert.Equal("alice", Directory().ResolveRecipient("alice@anything.example")!.UserId);
    }

    [Fact]
    public void Passwords_are_checked_and_unknown_users_fail_alike()
    {
        var dir = Directory();
        Assert.Equal("alice", dir.Authenticate("ALICE", "secret")!.UserId);
        Assert.Null(dir.Authenticate("alice", "wrong"));
        Assert.Null(dir.Authenticate("mallory", "secret"));
        Assert.NotNull(dir.Authenticate("carol", "Sekr3t pässword"));
        Assert.DoesNotContain("secret", dir.FindLogin("alice")!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_is_reread_when_it_changes()
    {
        var dir = Directory();
        Assert.Null(dir.FindLogin("dave"));
        PasswdFileDirectory.Upsert(_path, "Dave", "{PLAIN}pw");
        File.SetLastWriteTimeUtc(_path, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("dave", dir.FindLogin("dave")!.UserId);
        Assert.True(PasswdFileDirectory.Remove(_path, "dave"));
        File.SetLastWriteTimeUtc(_path, DateTime.UtcNow.AddSeconds(10));
        Assert.Null(dir.FindLogin("dave"));
        Assert.Contains("# comment", File.ReadAllLines(_path));
    }

    public void Dispose() => _folder.Dispose();
}
