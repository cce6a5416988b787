using OrleansMail.Hosting;
using OrleansMail.Hosting.Azure;

var builder = MailHost.CreateBuilder(args);
builder.AddOrleansMail().AddAzureProviders();
await using var app = builder.Build();
await app.RunAsync();
