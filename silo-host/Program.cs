using Microsoft.AspNetCore.Builder;
using OrleansMail.SiloHost;

var app = await MailHost.BuildAsync(args);
await app.RunAsync();
