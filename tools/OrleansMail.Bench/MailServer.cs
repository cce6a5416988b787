using System.Globalization;

namespace OrleansMail.Bench;

/// <summary>
/// Where a workload sends its mail and whom it logs in as: OrleansMail started by the benchmark, Dovecot started by
/// our script, or any server given on the command line. Users are <c>{UserPrefix}{n}</c>, n from 0 to Users - 1.
/// </summary>
internal sealed record MailServer(string Name, string Host, int LmtpPort, int ImapPort, string UserPrefix = "user", int Users = 10, string Password = "x", string Domain = "example.org")
{
    public string User(int index) => UserPrefix + (index % Users).ToString(CultureInfo.InvariantCulture);

    public string Recipient(int index) => $"{User(index)}@{Domain}";

    /// <summary>The passwd-file lines that give the benchmark's own servers these users.</summary>
    public IEnumerable<string> PasswdLines() => Enumerable.Range(0, Users).Select(u => $"{User(u)}:{{PLAIN}}{Password}::::::");
}
