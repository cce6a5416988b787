using Microsoft.Extensions.DependencyInjection;
using OrleansMail.MailStorage.Ingest;

namespace OrleansMail.Bench;

/// <summary>Fills a user's INBOX quickly: real bodies of a message mix (each with its own summary), then COPY within the mailbox (index only, bodies shared) up to the size wanted.</summary>
internal static class MailboxFiller
{
    public static async Task FillAsync(BenchHost app, string user, List<byte[]> mix, int messages)
    {
        var ingest = app.Services.GetRequiredService<MessageIngest>();
        foreach (var body in mix)
        {
            await using var received = await ingest.ReceiveAsync(new MemoryStream(body));
            await ingest.DeliverAsync(received, new DeliveryTarget(user));
        }

        await using var filler = await ImapFigures.ImapConnection.OpenAsync(app.ImapPort, user);
        await filler.CommandAsync("SELECT INBOX");
        var count = mix.Count;
        while (count < messages)
        {
            var take = Math.Min(Math.Min(count, 5000), messages - count);
            await filler.CommandAsync($"COPY 1:{take} INBOX");
            count += take;
            await filler.CommandAsync("NOOP");
        }
    }
}
