using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using OrleansMail.Testing;
using Xunit;

namespace OrleansMail.SiloHost.Tests;

/// <summary>
/// The shipped Azure template, compiled with the real Bicep compiler and read as Azure would read it: it must
/// compile, and nothing that takes a password may face the internet in clear text.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeploymentTemplateTests
{
    private static readonly Lazy<JsonObject> Template = new(Compile);

    [Fact]
    public void Only_implicit_TLS_IMAP_and_ManageSieve_behind_STARTTLS_face_the_internet()
    {
        var app = ContainerApp();
        var env = Environment(app);
        var ingress = app["properties"]!["configuration"]!["ingress"]!;
        var external = new List<int>();
        if (ingress["external"]!.GetValue<bool>())
        {
            external.Add(ingress["targetPort"]!.GetValue<int>());
        }

        foreach (var mapping in ingress["additionalPortMappings"]?.AsArray() ?? [])
        {
            if (mapping!["external"]!.GetValue<bool>())
            {
                external.Add(mapping["targetPort"]!.GetValue<int>());
            }
        }

        Assert.NotEmpty(external);
        foreach (var port in external)
        {
            // Every public port is the implicit-TLS IMAP listener, or ManageSieve, which takes a password from a
            // non-loopback client only after STARTTLS unless told otherwise: nothing there reads a password before TLS.
            if (env.GetValueOrDefault("OrleansMail__ManageSieve__Endpoint") == $"0.0.0.0:{port}")
            {
                Assert.NotEqual("true", env.GetValueOrDefault("OrleansMail__ManageSieve__AllowPlaintextLogin"));
                continue;
            }

            Assert.Equal($"0.0.0.0:{port}", env.GetValueOrDefault("OrleansMail__Imap__TlsEndpoint"));
        }

        Assert.True(string.IsNullOrEmpty(env.GetValueOrDefault("OrleansMail__Imap__Endpoint")) || env.GetValueOrDefault("OrleansMail__Imap__RequireTlsForLogin") == "true", "a plaintext IMAP listener must refuse logins before TLS");
        Assert.False(string.IsNullOrEmpty(env.GetValueOrDefault("OrleansMail__Tls__CertificatePath")), "the IMAP certificate must be configured");
    }

    [Fact]
    public void Lmtp_and_the_Orleans_ports_are_internal()
    {
        var app = ContainerApp();
        var env = Environment(app);
        var ingress = app["properties"]!["configuration"]!["ingress"]!;
        var lmtpPort = int.Parse(env["OrleansMail__Lmtp__Endpoint"].Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var mappings = (ingress["additionalPortMappings"]?.AsArray() ?? []).Select(m => (Port: m!["targetPort"]!.GetValue<int>(), External: m["external"]!.GetValue<bool>())).ToList();
        Assert.Contains((lmtpPort, false), mappings);
        Assert.NotEqual(lmtpPort, ingress["targetPort"]!.GetValue<int>());
        foreach (var orleansPort in new[] { 11111, 30000 })
        {
            Assert.DoesNotContain(mappings, m => m.Port == orleansPort);
            Assert.NotEqual(orleansPort, ingress["targetPort"]!.GetValue<int>());
        }

        // Silos and the CLI authenticate each other: the cluster certificate is configured, plaintext is not allowed.
        Assert.False(string.IsNullOrEmpty(env.GetValueOrDefault("OrleansMail__Clustering__CertificatePath")));
        Assert.NotEqual("true", env.GetValueOrDefault("OrleansMail__Clustering__AllowPlaintext"));
    }

    [Fact]
    public void Certificates_come_from_Key_Vault_not_from_parameters()
    {
        var secrets = ContainerApp()["properties"]!["configuration"]!["secrets"]!.AsArray();
        foreach (var name in new[] { "imap-cert", "imap-key", "cluster-cert", "cluster-key" })
        {
            var secret = secrets.Single(s => s!["name"]!.GetValue<string>() == name)!;
            Assert.NotNull(secret["keyVaultUrl"]);
            Assert.Null(secret["value"]);
        }
    }

    [Fact]
    public void Old_large_bodies_move_to_the_cool_tier_unless_the_operator_says_otherwise()
    {
        var env = Environment(ContainerApp());
        Assert.Contains("coolAfter", env.GetValueOrDefault("OrleansMail__Store__CoolAfter"), StringComparison.Ordinal);
        var parameter = Template.Value["parameters"]!["coolAfter"]!;
        Assert.True(TimeSpan.Parse(parameter["defaultValue"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > TimeSpan.Zero);
    }

    [Fact]
    public void The_platform_probes_the_silo_on_an_internal_port()
    {
        var app = ContainerApp();
        var port = int.Parse(Environment(app)["OrleansMail__Http__Endpoint"].Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var probes = app["properties"]!["template"]!["containers"]![0]!["probes"]!.AsArray();
        foreach (var (type, path) in new[] { ("Liveness", "/healthz"), ("Readiness", "/ready") })
        {
            var probe = probes.Single(p => p!["type"]!.GetValue<string>() == type)!;
            Assert.Equal(path, probe["httpGet"]!["path"]!.GetValue<string>());
            Assert.Equal(port, probe["httpGet"]!["port"]!.GetValue<int>());
        }

        // Metrics and probes are for the platform, not for the internet.
        var ingress = app["properties"]!["configuration"]!["ingress"]!;
        Assert.NotEqual(port, ingress["targetPort"]!.GetValue<int>());
        Assert.DoesNotContain(ingress["additionalPortMappings"]?.AsArray() ?? [], m => m!["targetPort"]!.GetValue<int>() == port);
    }

    private static JsonObject ContainerApp() =>
        Template.Value["resources"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == "Microsoft.App/containerApps")!.AsObject();

    private static Dictionary<string, string> Environment(JsonObject app) =>
        app["properties"]!["template"]!["containers"]![0]!["env"]!.AsArray()
            .ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]?.GetValue<string>() ?? "");

    private static JsonObject Compile()
    {
        var compiler = typeof(DeploymentTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCompiler").Value!;
        Assert.True(File.Exists(compiler), $"the Bicep compiler was not restored: {compiler}");
        File.SetUnixFileMode(compiler, File.GetUnixFileMode(compiler) | UnixFileMode.UserExecute);
        var psi = new ProcessStartInfo(compiler) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "build", Path.Combine(RepositoryRoot.Find(), "silo-host", "main.bicep"), "--stdout" })
        {
            psi.ArgumentList.Add(a);
        }

        // Bicep is a .NET app of its own: keep it off this process's runtime settings.
        psi.Environment.Remove("DOTNET_ROOT");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "bicep build did not finish");
        Assert.True(process.ExitCode == 0, $"bicep build failed: {stderr.Result}");
        Assert.DoesNotContain("Warning", stderr.Result, StringComparison.Ordinal);
        return JsonNode.Parse(stdout.Result)!.AsObject();
    }
}
