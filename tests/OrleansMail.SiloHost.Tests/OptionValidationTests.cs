using Microsoft.Extensions.Options;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>A setting no server could run with stops the host at start, with a message that names the setting as the operator wrote it.</summary>
public sealed class OptionValidationTests
{
    [Theory]
    [InlineData("OrleansMail:Imap:MaxLineLength", "0")]
    [InlineData("OrleansMail:Imap:IdleTimeout", "00:05:00")]
    [InlineData("OrleansMail:Imap:Endpoint", "localhost")]
    [InlineData("OrleansMail:Lmtp:MaxRecipients", "10")]
    [InlineData("OrleansMail:ManageSieve:Endpoint", "localhost")]
    [InlineData("OrleansMail:ManageSieve:MaxLineLength", "100")]
    [InlineData("OrleansMail:ManageSieve:LoginTimeout", "00:00:00")]
    [InlineData("OrleansMail:Lmtp:Endpoint", "")]
    [InlineData("OrleansMail:Store:LeaseDuration", "00:00:00")]
    [InlineData("OrleansMail:BodyCache:PrefetchParallelism", "0")]
    [InlineData("OrleansMail:Ingest:MaxMessageSize", "-1")]
    [InlineData("OrleansMail:Ingest:MaxMessageSize", "5000000000")]
    [InlineData("OrleansMail:Accounts:PasswordChecks:MaxBcryptCost", "2")]
    [InlineData("OrleansMail:Clustering:GatewayPort", "70000")]
    [InlineData("OrleansMail:Storage:Provider", "S3")]
    [InlineData("OrleansMail:Telemetry:TraceSampleRatio", "2")]
    [InlineData("OrleansMail:Tls:CertificatePath", "/nonexistent/cert.pem")]
    [InlineData("OrleansMail:Clustering:CertificatePath", "/nonexistent/cluster.pem")]
    public async Task An_invalid_setting_stops_the_host_and_is_named(string setting, string value)
    {
        using var folder = new TempFolder();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestMailHost.StartAsync(folder.Path, [$"--{setting}={value}"]));
        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_failure_is_reported_at_once()
    {
        using var folder = new TempFolder();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestMailHost.StartAsync(folder.Path,
            ["--OrleansMail:Lmtp:MaxLineLength=10", "--OrleansMail:Lmtp:IdleTimeout=-00:00:01"]));
        Assert.Contains("OrleansMail:Lmtp:MaxLineLength", e.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansMail:Lmtp:IdleTimeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shipped_defaults_are_valid()
    {
        using var folder = new TempFolder();
        await using var host = await TestMailHost.StartAsync(folder.Path, []);
        Assert.True(host.LmtpPort > 0);
    }
}
