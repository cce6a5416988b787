using Microsoft.AspNetCore.Builder;

namespace OrleansMail.Hosting;

/// <summary>The web application builder an OrleansMail process starts from: configuration beside the binary, then the usual sources.</summary>
public static class MailHost
{
    /// <summary>
    /// A builder whose content root is the binary's folder, so the appsettings.json shipped beside it is found from
    /// any working directory (relative paths in it, like DataPath, still resolve against the working directory).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
}
