using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace OrleansMail.Submission;

/// <summary>Opens a MailKit SMTP session to the configured relay, with its TLS and its credentials.</summary>
public sealed class SmtpRelay(IOptions<SubmissionOptions> options)
{
    public static readonly string[] TlsModes = ["StartTls", "Tls", "None"];

    public async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var client = new SmtpClient { Timeout = 60_000 };
        try
        {
            var security = o.Tls.ToUpperInvariant() switch
            {
                "TLS" => SecureSocketOptions.SslOnConnect,
                "NONE" => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(o.Host, o.Port, security, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(o.User))
            {
                await client.AuthenticateAsync(o.User, o.Password, cancellationToken).ConfigureAwait(false);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
