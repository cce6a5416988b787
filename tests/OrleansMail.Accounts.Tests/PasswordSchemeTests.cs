using OrleansMail.Accounts.Passwords;
using Xunit;

namespace OrleansMail.Accounts.Tests;

/// <summary>Hashes made by Dovecot's own `doveadm pw` and the reference tools verify, wrong passwords do not.</summary>
public sealed class PasswordSchemeTests
{
    private const string Password = "Sekr3t pässword";

    [Theory]
    [InlineData("{SHA512-CRYPT}$6$5.di0WOkUBmzUa6h$FfaycCrkECq5ZkXMGBqPrlN0YC1qyp/teJUwZI.lfvdn7ILAyzlUr8TaqSMwJxyeZ9dPC4qQmRrqyJu3eSFky1")]
    [InlineData("{BLF-CRYPT}$2y$05$nHKJQebMmPUdT9bTmqeiR.ug24OWYXaqqiQRhINOPU4RQucsHIZHa")]
    [InlineData("{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$mHwPDz4tWXsHTuYhrvowFw$I/r8m9ayPP+gtvOvbzMAy+tFpRkOcAxGItAKJ5RNXk8")]
    [InlineData("{ARGON2ID}$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4AY3dH7uh6YJiteBYQmGTwwOgbjSEhHbSsn/RUGtX1o")]
    [InlineData("{PLAIN}Sekr3t pässword")]
    [InlineData("{CRYPT}$6$5.di0WOkUBmzUa6h$FfaycCrkECq5ZkXMGBqPrlN0YC1qyp/teJUwZI.lfvdn7ILAyzlUr8TaqSMwJxyeZ9dPC4qQmRrqyJu3eSFky1")]
    [InlineData("$6$5.di0WOkUBmzUa6h$FfaycCrkECq5ZkXMGBqPrlN0YC1qyp/teJUwZI.lfvdn7ILAyzlUr8TaqSMwJxyeZ9dPC4qQmRrqyJu3eSFky1")]
    public void Dovecot_hashes_verify(string stored)
    {
        Assert.True(PasswordSchemes.Verify(Password, stored));
        Assert.False(PasswordSchemes.Verify(Password + "x", stored));
        Assert.False(PasswordSchemes.Verify("", stored));
    }

    [Theory]
    [InlineData("$6$saltstring", "Hello world!", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1")]
    [InlineData("$6$rounds=10000$saltstringsaltstring", "Hello world!", "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.")]
    [InlineData("$6$rounds=1400$anotherlongsaltstring", "a very much longer text to encrypt.  This one even stretches over morethan one line.", "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1")]
    [InlineData("$6$rounds=10$roundstoolow", "the minimum number is still observed", "$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.")]
    public void Sha512_crypt_matches_the_published_test_vectors(string setting, string password, string expected)
    {
        Assert.Equal(expected, Sha512Crypt.Hash(password, setting));
    }

    [Theory]
    [InlineData("ARGON2ID")]
    [InlineData("SHA512-CRYPT")]
    [InlineData("BLF-CRYPT")]
    public void New_hashes_verify_and_differ_each_time(string scheme)
    {
        var a = PasswordSchemes.Create(Password, scheme);
        var b = PasswordSchemes.Create(Password, scheme);
        Assert.StartsWith("{" + scheme + "}", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.True(PasswordSchemes.Verify(Password, a));
        Assert.False(PasswordSchemes.Verify("wrong", a));
    }

    [Theory]
    [InlineData("{UNKNOWN}x")]
    [InlineData("{ARGON2ID}$argon2id$v=19$m=0,t=0,p=0$$")]
    [InlineData("{ARGON2ID}garbage")]
    [InlineData("{BLF-CRYPT}$2y$garbage")]
    [InlineData("{SHA512-CRYPT}$5$notsha512")]
    [InlineData("")]
    public void Malformed_hashes_never_verify_and_never_throw(string stored)
    {
        Assert.False(PasswordSchemes.Verify("anything", stored));
    }
}
